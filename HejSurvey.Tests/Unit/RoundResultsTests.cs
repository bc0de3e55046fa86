using HejSurvey.Web.Data;
using HejSurvey.Web.OpenResults;
using HejSurvey.Web.Survey;

namespace HejSurvey.Tests.Unit;

/// <summary>Known answers through the response writer's tallies into the results, against hand computation.</summary>
public sealed class RoundResultsTests
{
    private static readonly QuestionnaireDefinition Questionnaire = ShippedQuestionnaires.Newest;

    private static readonly PublishedRound Round = new(1, "known", "Känd", "Known", 1, RoundState.Closed, null, null, 0);

    /// <summary>
    /// Ten respondents. lead_drive: 1, 2, 2, 3, 3, 3, 4, 4, 5, 5 and two "don't know" more; every other
    /// statement 3 except the other leadership statements, which are "don't know". Role 1: three people,
    /// role 2: four, role 3: five, role 4: no one.
    /// </summary>
    private static RoundResults KnownResults(int minGroupSize = 5)
    {
        int[] drive = [1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 0, 0];
        int[] role = [1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3];
        var counts = new Dictionary<(int Round, string Group, string Question, int Value), long>();
        var themes = new Dictionary<(int Round, string Group, string Theme), (long N, double Sum, double Squares)>();
        for (var i = 0; i < drive.Length; i++)
        {
            var answers = Questionnaire.Statements.ToDictionary(s => s.Key, s => s.Key.StartsWith("lead_", StringComparison.Ordinal) ? 0 : 3);
            answers["lead_drive"] = drive[i];
            answers["orgtype"] = 1;
            answers["role"] = role[i];
            answers["size"] = 2;
            ResponseWriter.Tally(new SubmittedResponse(1, Questionnaire, $"r{i}", Guid.NewGuid(), answers, null), counts, themes);
        }
        return RoundResults.Compute(
            Round,
            Questionnaire,
            minGroupSize,
            counts.ToDictionary(c => (c.Key.Group, c.Key.Question, c.Key.Value), c => c.Value),
            themes.ToDictionary(t => (t.Key.Group, t.Key.Theme), t => new ThemeTally { GroupKey = t.Key.Group, ThemeKey = t.Key.Theme, N = t.Value.N, Sum = t.Value.Sum, SumOfSquares = t.Value.Squares }));
    }

    [Fact]
    public void Shares_means_and_dont_know_of_a_statement_match_hand_computation()
    {
        var drive = KnownResults().Everyone.Statements["lead_drive"];

        Assert.Equal([1L, 2, 3, 2, 2], drive.Counts);
        Assert.Equal(10, drive.N);
        Assert.Equal(2, drive.DontKnow);
        // Agree = 4 or 5: 4 of 10. Wilson: 0.168180–0.687326.
        Assert.Equal(0.4, drive.Agree!.Value, 10);
        Assert.Equal(0.168180, drive.Agree.Low!.Value, 6);
        Assert.Equal(0.687326, drive.Agree.High!.Value, 6);
        // Mean 3.2, t(9) interval 2.258189–4.141811.
        Assert.Equal(3.2, drive.Mean!.Value, 10);
        Assert.Equal(2.258189, drive.Mean.Low!.Value, 6);
        Assert.Equal(4.141811, drive.Mean.High!.Value, 6);
    }

    [Fact]
    public void Theme_index_leaves_dont_know_out_and_matches_hand_computation()
    {
        var results = KnownResults();

        // Leadership: each respondent's only scale answer is lead_drive: (v − 1) · 25 → 0, 25, 25, 50, 50, 50, 75, 75, 100, 100;
        // the two who said "don't know" to all six have no index. Mean 55, s² = 9000/9 = 1000, se = 10, t(9) = 2.262157.
        var leadership = results.Everyone.Themes["leadership"];
        Assert.Equal(10, leadership.N);
        Assert.Equal(55, leadership.Index!.Value, 9);
        Assert.Equal(31.454722, leadership.Index.Low!.Value, 6);
        Assert.Equal(78.545278, leadership.Index.High!.Value, 6);

        // User focus: everyone 3 → 50 for all twelve, no spread.
        var userFocus = results.Everyone.Themes["userfocus"];
        Assert.Equal((12L, 50.0, 50.0, 50.0), (userFocus.N, userFocus.Index!.Value, userFocus.Index.Low!.Value, userFocus.Index.High!.Value));
    }

    [Fact]
    public void Group_sizes_come_from_the_background_tallies_of_everyone()
    {
        var roles = KnownResults(minGroupSize: 1).Breakdowns["role"];

        Assert.Equal([3L, 4, 5, null], roles.Select(g => g.Size));
        // Role 3: lead_drive 4, 5, 5 and two "don't know".
        Assert.Equal([0L, 0, 0, 1, 2], roles[2].Statements["lead_drive"].Counts);
        Assert.Equal(2, roles[2].Statements["lead_drive"].DontKnow);
    }

    [Fact]
    public void Small_groups_and_their_complement_are_hidden_without_any_figure()
    {
        var results = KnownResults(minGroupSize: 5);
        var roles = results.Breakdowns["role"];

        // Role 1 (3) and role 2 (4) are below 5 and hide each other; role 4 has no one. Role 3 (5) shows.
        Assert.Equal([true, true, false, true], roles.Select(g => g.Suppressed));
        Assert.All(roles.Where(g => g.Suppressed), g =>
        {
            Assert.Null(g.Size);
            Assert.Empty(g.Statements);
            Assert.Empty(g.Themes);
        });
        Assert.Equal(12, results.Everyone.Size);
    }

    [Fact]
    public void A_single_small_group_is_not_left_to_be_worked_out_by_subtraction()
    {
        var results = KnownResults(minGroupSize: 4);
        var roles = results.Breakdowns["role"];

        // Role 1 (3) is below 4; alone it would be everyone − role 2 − role 3, so role 2 (4, the next smallest) goes too.
        Assert.Equal([true, true, false, true], roles.Select(g => g.Suppressed));
    }

    [Fact]
    public void A_round_with_fewer_respondents_than_the_minimum_shows_nothing()
    {
        var results = KnownResults(minGroupSize: 13);

        Assert.True(results.Everyone.Suppressed);
        Assert.All(results.AllGroups, g => Assert.True(g.Suppressed));
    }
}
