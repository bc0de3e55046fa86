using HejSurvey.Web.Data;
using HejSurvey.Web.OpenResults;
using HejSurvey.Web.Survey;

namespace HejSurvey.Tests.Unit;

/// <summary>The per-cell minimum and the live-version rule on known tallies (no site): which cells are hidden and why.</summary>
public sealed class DisclosureRulesTests
{
    private static readonly QuestionnaireDefinition Questionnaire = ShippedQuestionnaires.Newest;

    private static readonly PublishedRound Round = new(1, "cells", "Celler", "Cells", 1, RoundState.Closed, null, null, 0);

    /// <summary>An answer with every statement <paramref name="value"/>, in the given groups.</summary>
    internal static Dictionary<string, int> Answer(int value = 3, int orgtype = 1, int role = 1, int size = 1)
    {
        var answers = Questionnaire.Statements.ToDictionary(s => s.Key, _ => value);
        answers["orgtype"] = orgtype;
        answers["role"] = role;
        answers["size"] = size;
        return answers;
    }

    internal static RoundTallies Tallies(IEnumerable<Dictionary<string, int>> answers)
    {
        var counts = new Dictionary<(int Round, string Group, string Question, int Value), long>();
        var themes = new Dictionary<(int Round, string Group, string Theme), (long N, double Sum, double Squares)>();
        var i = 0;
        foreach (var answer in answers)
        {
            ResponseWriter.Tally(new SubmittedResponse(1, Questionnaire, $"r{i++}", Guid.NewGuid(), answer, null), counts, themes);
        }
        return new RoundTallies(
            counts.ToDictionary(c => (c.Key.Group, c.Key.Question, c.Key.Value), c => c.Value),
            themes.ToDictionary(t => (t.Key.Group, t.Key.Theme), t => new ThemeTally { GroupKey = t.Key.Group, ThemeKey = t.Key.Theme, N = t.Value.N, Sum = t.Value.Sum, SumOfSquares = t.Value.Squares }));
    }

    private static RoundResults Results(RoundTallies tallies, int k = 5, IEnumerable<Cell>? forced = null) =>
        RoundResults.Compute(Round, Questionnaire, k, tallies, forced ?? []);

    /// <summary>A group of k = 5 in which 4 said "don't know" to lead_drive, beside two large groups.</summary>
    private static List<Dictionary<string, int>> GroupOfKWithKMinusOneDontKnow()
    {
        var answers = new List<Dictionary<string, int>>();
        for (var i = 0; i < 5; i++)
        {
            var answer = Answer(4, orgtype: 3);
            answer["lead_drive"] = i == 0 ? 1 : QuestionnaireDefinition.DontKnowValue;
            answers.Add(answer);
        }
        answers.AddRange(Enumerable.Range(0, 30).Select(i => Answer(1 + (i % 5), orgtype: 1)));
        answers.AddRange(Enumerable.Range(0, 12).Select(i => Answer(1 + (i % 3), orgtype: 2)));
        return answers;
    }

    [Fact]
    public void A_statement_on_fewer_than_k_answers_is_hidden_in_a_group_that_is_shown_and_no_figure_of_it_remains()
    {
        var results = Results(Tallies(GroupOfKWithKMinusOneDontKnow()));
        var region = results.Breakdowns["orgtype"][2];

        Assert.Equal(5, region.Size);
        var drive = region.Statements["lead_drive"];
        Assert.True(drive.Suppressed);
        Assert.Equal((null, null, null, null, null), (drive.Counts, drive.DontKnow, drive.N, drive.Agree, drive.Mean));
        // The theme index would rest on the statements, and with it a hidden statement could be worked back: all hidden.
        Assert.True(region.Themes["leadership"].Suppressed);
        Assert.All(Questionnaire.Themes.Single(t => t.Key == "leadership").Statements, s => Assert.True(region.Statements[s.Key].Suppressed));
        // Other themes of the group show.
        Assert.False(region.Statements["user_needs"].Suppressed);
        Assert.Equal(5, region.Themes["userfocus"].N);
    }

    [Fact]
    public void A_hidden_statement_cell_takes_the_smallest_other_group_with_it_so_that_everyone_minus_the_rest_does_not_give_it_back()
    {
        var results = Results(Tallies(GroupOfKWithKMinusOneDontKnow()));
        var groups = results.Breakdowns["orgtype"];

        // orgtype 3's lead_drive (1 answer) and the empty orgtype 4 are hidden; together 1 answer, so orgtype 2 (12) goes too.
        Assert.Equal([false, true, true, true], groups.Select(g => g.Suppressed || g.Statements["lead_drive"].Suppressed));
        Assert.False(groups[1].Suppressed); // only the cell, not the group
        Assert.False(results.Everyone.Statements["lead_drive"].Suppressed);
        // Sizes need no complement: the hidden empty group has nobody to give away.
        Assert.Equal([30L, 12, 5, null], groups.Select(g => g.Size));
    }

    [Fact]
    public void No_published_cell_rests_on_fewer_than_k_answers()
    {
        var results = Results(Tallies(GroupOfKWithKMinusOneDontKnow()));

        foreach (var group in results.AllGroups.Where(g => !g.Suppressed))
        {
            Assert.True(group.Size >= 5);
            Assert.All(group.Statements.Values.Where(s => !s.Suppressed), s => Assert.True(s.N is 0 or >= 5, $"{group.Breakdown}={group.Option} {s.StatementKey}: n = {s.N}"));
            Assert.All(group.Themes.Values.Where(t => !t.Suppressed), t => Assert.True(t.N is 0 or >= 5, $"{group.Breakdown}={group.Option} {t.ThemeKey}: N = {t.N}"));
        }
    }

    [Fact]
    public void A_cell_hidden_for_everyone_is_hidden_in_every_group()
    {
        // Four answer lead_drive, everyone else says "don't know": everyone's lead_drive has 4 answers.
        var answers = Enumerable.Range(0, 20).Select(i =>
        {
            var answer = Answer(3, orgtype: 1 + (i % 2));
            answer["lead_drive"] = i < 4 ? 5 : QuestionnaireDefinition.DontKnowValue;
            return answer;
        });
        var results = Results(Tallies(answers));

        Assert.True(results.Everyone.Statements["lead_drive"].Suppressed);
        Assert.All(results.Breakdowns.Values.SelectMany(g => g).Where(g => !g.Suppressed), g => Assert.True(g.Statements["lead_drive"].Suppressed));
    }

    [Fact]
    public void Complementary_suppression_looks_at_every_count_of_the_hidden_cells()
    {
        // Hidden: 3 answers on the scale but 6 answers at all; the answers-at-all total is fine, the scale total is not.
        bool[] hidden = [true, false, false];
        Suppression.Complement([[3, 6], [20, 20], [8, 8]], hidden, 5);
        Assert.Equal([true, false, true], hidden);
    }

    [Fact]
    public void A_live_version_hides_a_visible_group_that_grew_by_fewer_than_k()
    {
        var before = GroupOfKWithKMinusOneDontKnow();
        var earlier = Tallies(before);
        // 20 more in orgtype 1, and one more in orgtype 2: orgtype 2 grew by one person.
        var after = before.Concat(Enumerable.Range(0, 20).Select(_ => Answer(2, orgtype: 1))).Append(Answer(5, orgtype: 2)).ToList();

        var forced = LiveSnapshots.Release(Questionnaire, 5, Tallies(after), [(earlier, [])]);

        Assert.NotNull(forced);
        var results = Results(Tallies(after), forced: forced);
        // Orgtype 2 is hidden; and since "everyone minus the visible groups" would then be orgtype 2 and the empty
        // orgtype 4, one person more than in the earlier version, orgtype 1 (20 more) is hidden with them.
        Assert.Equal([true, true, false, true], results.Breakdowns["orgtype"].Select(g => g.Suppressed));
        Assert.False(results.Everyone.Suppressed);
    }

    [Fact]
    public void A_live_version_where_every_countable_set_grew_by_k_or_not_at_all_hides_nothing_more()
    {
        var before = GroupOfKWithKMinusOneDontKnow();
        var after = before.Concat(Enumerable.Range(0, 20).Select(_ => Answer(2, orgtype: 1))).ToList();

        Assert.Empty(LiveSnapshots.Release(Questionnaire, 5, Tallies(after), [(Tallies(before), [])])!);
    }

    [Fact]
    public void A_live_version_does_not_let_the_hidden_remainder_grow_by_one()
    {
        // orgtype 4 has 2 people and is hidden with its complement; one more joins it between the versions.
        var before = Enumerable.Range(0, 30).Select(_ => Answer(3, orgtype: 1))
            .Concat(Enumerable.Range(0, 10).Select(_ => Answer(3, orgtype: 2)))
            .Concat(Enumerable.Range(0, 9).Select(_ => Answer(3, orgtype: 3)))
            .Concat(Enumerable.Range(0, 2).Select(_ => Answer(3, orgtype: 4))).ToList();
        var after = before.Concat(Enumerable.Range(0, 25).Select(_ => Answer(3, orgtype: 1))).Append(Answer(5, orgtype: 4)).ToList();
        var earlierHidden = Results(Tallies(before)).Hidden;
        Assert.Contains(new Cell(Suppression.Size, "orgtype=3"), earlierHidden);

        var forced = LiveSnapshots.Release(Questionnaire, 5, Tallies(after), [(Tallies(before), [])])!;
        var hidden = Results(Tallies(after), forced: forced).Hidden;

        // Everyone − orgtype 1 − orgtype 2 would be orgtype 3 + 4 in both versions, one person apart: orgtype 1, which
        // grew by 25, joins them.
        Assert.Contains(new Cell(Suppression.Size, "orgtype=1"), hidden);
        Assert.DoesNotContain(new Cell(Suppression.Size, "orgtype=2"), hidden);
        var earlierAtoms = LiveSnapshots.Atoms([.. Questionnaire.Background[0].Options.Select(o => new Cell(Suppression.Size, $"orgtype={o.Value}"))], earlierHidden, hidden);
        Assert.Contains(earlierAtoms, atom => atom.Count == 3);
    }

    [Fact]
    public void The_final_results_cannot_be_released_when_fewer_than_k_answers_in_all_came_after_a_version()
    {
        var before = GroupOfKWithKMinusOneDontKnow();
        var after = before.Append(Answer(5, orgtype: 1)).ToList();

        Assert.Null(LiveSnapshots.Release(Questionnaire, 5, Tallies(after), [(Tallies(before), [])]));
    }
}
