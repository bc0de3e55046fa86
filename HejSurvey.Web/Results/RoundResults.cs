using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Web.OpenResults;

/// <summary>A round whose results anyone may read.</summary>
public sealed record PublishedRound(
    int Id,
    string Slug,
    string TitleSv,
    string TitleEn,
    int QuestionnaireId,
    RoundState State,
    DateTime? OpenedAt,
    DateTime? ClosedAt,
    int Responses)
{
    public string Title(string language) => language == "en" ? TitleEn : TitleSv;

    public static PublishedRound Of(Round round) =>
        new(round.Id, round.Slug, round.TitleSv, round.TitleEn, round.QuestionnaireId, round.State, round.OpenedAt, round.ClosedAt, round.ResponseCount);
}

/// <summary>How one statement was answered in one group: counts per scale value (index 0 is value 1), "don't know" apart.</summary>
public sealed record StatementFigures(string StatementKey, IReadOnlyList<long> Counts, long DontKnow, Estimate? Agree, Estimate? Mean)
{
    /// <summary>Answers on the scale; "don't know" is not among them.</summary>
    public long N => Counts.Sum();

    public double ShareOf(int value) => N == 0 ? 0 : (double)Counts[value - QuestionnaireDefinition.ScaleMin] / N;
}

/// <summary>A theme's index (0–100) in one group: n respondents with at least one statement answered on the scale.</summary>
public sealed record ThemeFigures(string ThemeKey, long N, Estimate? Index);

/// <summary>
/// Everyone, or one background group ("role" = 2). A suppressed group carries no figures at all, not
/// even its size: <see cref="Size"/> is null and the statements and themes are empty.
/// </summary>
public sealed record GroupFigures(
    string Breakdown,
    int? Option,
    long? Size,
    IReadOnlyDictionary<string, StatementFigures> Statements,
    IReadOnlyDictionary<string, ThemeFigures> Themes)
{
    public bool Suppressed => Size is null;

    public static GroupFigures Hidden(string breakdown, int? option) => new(breakdown, option, null, new Dictionary<string, StatementFigures>(), new Dictionary<string, ThemeFigures>());
}

/// <summary>
/// Everything the open results show of one round, read from the tallies (never from the answers, so the
/// cost does not grow with responses) with the minimum group size and complementary suppression applied.
/// The page, the downloads and the API all take their figures from here.
/// </summary>
public sealed record RoundResults(
    PublishedRound Round,
    QuestionnaireDefinition Questionnaire,
    int MinGroupSize,
    GroupFigures Everyone,
    IReadOnlyDictionary<string, IReadOnlyList<GroupFigures>> Breakdowns)
{
    /// <summary>"Agree" is 4 or 5 on the 1–5 scale.</summary>
    public const int AgreeFrom = 4;

    /// <summary>Everyone's figures followed by the groups of each breakdown, in the questionnaire's order.</summary>
    public IEnumerable<GroupFigures> AllGroups => Breakdowns.Values.SelectMany(groups => groups).Prepend(Everyone);

    /// <summary>Rounds whose results are visible (<see cref="Round.ResultsVisible"/>; never a draft), newest first.</summary>
    public static async Task<IReadOnlyList<PublishedRound>> PublishedAsync(SurveyDb db, CancellationToken cancellationToken)
    {
        var rounds = await db.Rounds.AsNoTracking().Where(r => r.IsPublished).OrderByDescending(r => r.OpenedAt).ToListAsync(cancellationToken);
        return [.. rounds.Where(r => r.ResultsVisible).Select(PublishedRound.Of)];
    }

    /// <summary>The round if its results are visible; null for a round that is unknown or not published.</summary>
    public static async Task<PublishedRound?> FindPublishedAsync(SurveyDb db, string slug, CancellationToken cancellationToken)
    {
        var round = await db.Rounds.AsNoTracking().SingleOrDefaultAsync(r => r.Slug == slug, cancellationToken);
        return round is not null && round.ResultsVisible ? PublishedRound.Of(round) : null;
    }

    /// <summary>The results of a published round, or null for a round that is unknown or not published.</summary>
    public static async Task<RoundResults?> LoadAsync(SurveyDb db, QuestionnaireCatalog catalog, LiveSnapshots live, int minGroupSize, string slug, CancellationToken cancellationToken)
    {
        // One read transaction: the response count and the tallies are of the same commit.
        await using var read = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await FindPublishedAsync(db, slug, cancellationToken) is not { } round)
        {
            return null;
        }
        var questionnaire = await catalog.GetAsync(round.QuestionnaireId, cancellationToken);
        async Task<RoundResults> ComputeAsync()
        {
            var answerTallies = await db.AnswerTallies.AsNoTracking()
                .Where(t => t.RoundId == round.Id)
                .Select(t => new { t.GroupKey, t.QuestionKey, t.Value, t.Count })
                .ToListAsync(cancellationToken);
            var themeTallies = await db.ThemeTallies.AsNoTracking()
                .Where(t => t.RoundId == round.Id)
                .ToListAsync(cancellationToken);
            var counts = answerTallies.ToDictionary(t => (t.GroupKey, t.QuestionKey, t.Value), t => t.Count);
            var themes = themeTallies.ToDictionary(t => (t.GroupKey, t.ThemeKey));
            return Compute(round, questionnaire, minGroupSize, counts, themes);
        }
        if (round.State == RoundState.Open)
        {
            return await live.ShowAsync(round, minGroupSize, ComputeAsync)
                ?? Compute(round with { Responses = 0 }, questionnaire, minGroupSize, new Dictionary<(string, string, int), long>(), new Dictionary<(string, string), ThemeTally>());
        }
        live.Forget(round.Id);
        return await ComputeAsync();
    }

    /// <summary>The figures from the tallies: counts by (group, question, value) and theme sums by (group, theme).</summary>
    internal static RoundResults Compute(
        PublishedRound round,
        QuestionnaireDefinition questionnaire,
        int minGroupSize,
        IReadOnlyDictionary<(string Group, string Question, int Value), long> counts,
        IReadOnlyDictionary<(string Group, string Theme), ThemeTally> themes)
    {
        // Everyone answered every background question, so any of them counts the respondents.
        var everyoneSize = questionnaire.Background.Count == 0
            ? round.Responses
            : questionnaire.Background[0].Options.Sum(o => counts.GetValueOrDefault(("", questionnaire.Background[0].Key, o.Value)));
        var everyone = everyoneSize < minGroupSize
            ? GroupFigures.Hidden("", null)
            : Figures(questionnaire, "", null, "", everyoneSize, counts, themes);

        var breakdowns = new Dictionary<string, IReadOnlyList<GroupFigures>>();
        foreach (var background in questionnaire.Background)
        {
            var sizes = background.Options.Select(o => counts.GetValueOrDefault(("", background.Key, o.Value))).ToArray();
            var hidden = Suppression.HiddenGroups(sizes, minGroupSize);
            breakdowns[background.Key] = [.. background.Options.Select((option, i) => hidden[i]
                ? GroupFigures.Hidden(background.Key, option.Value)
                : Figures(questionnaire, background.Key, option.Value, $"{background.Key}={option.Value}", sizes[i], counts, themes))];
        }
        return new RoundResults(round, questionnaire, minGroupSize, everyone, breakdowns);
    }

    private static GroupFigures Figures(
        QuestionnaireDefinition questionnaire,
        string breakdown,
        int? option,
        string groupKey,
        long size,
        IReadOnlyDictionary<(string Group, string Question, int Value), long> counts,
        IReadOnlyDictionary<(string Group, string Theme), ThemeTally> themes)
    {
        var statements = new Dictionary<string, StatementFigures>();
        foreach (var statement in questionnaire.Statements)
        {
            var scale = questionnaire.Scale.Select(s => counts.GetValueOrDefault((groupKey, statement.Key, s.Value))).ToArray();
            var n = scale.Sum();
            var agree = questionnaire.Scale.Where(s => s.Value >= AgreeFrom).Sum(s => counts.GetValueOrDefault((groupKey, statement.Key, s.Value)));
            statements[statement.Key] = new StatementFigures(
                statement.Key,
                scale,
                counts.GetValueOrDefault((groupKey, statement.Key, QuestionnaireDefinition.DontKnowValue)),
                Statistics.Share(agree, n),
                Statistics.Mean(questionnaire.Scale.Select((s, i) => KeyValuePair.Create(s.Value, scale[i])), QuestionnaireDefinition.ScaleMin, QuestionnaireDefinition.ScaleMax));
        }
        var themeFigures = new Dictionary<string, ThemeFigures>();
        foreach (var theme in questionnaire.Themes)
        {
            themeFigures[theme.Key] = themes.TryGetValue((groupKey, theme.Key), out var tally)
                ? new ThemeFigures(theme.Key, tally.N, Statistics.Mean(tally.N, tally.Sum, tally.SumOfSquares, 0, 100))
                : new ThemeFigures(theme.Key, 0, null);
        }
        return new GroupFigures(breakdown, option, size, statements, themeFigures);
    }
}
