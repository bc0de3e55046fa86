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
    int Responses,
    DateTime? PublishedAt = null,
    string? SummarySv = null,
    string? SummaryEn = null)
{
    public string Title(string language) => language == "en" ? TitleEn : TitleSv;

    public static PublishedRound Of(Round round) =>
        new(round.Id, round.Slug, round.TitleSv, round.TitleEn, round.QuestionnaireId, round.State, round.OpenedAt, round.ClosedAt, round.ResponseCount,
            round.PublishedAt, round.SummarySv, round.SummaryEn);
}

/// <summary>
/// How one statement was answered in one group: counts per scale value (index 0 is value 1), "don't know" apart.
/// A suppressed cell carries no figure at all: no counts, no "don't know", no share or mean (null, never zero).
/// </summary>
public sealed record StatementFigures(string StatementKey, IReadOnlyList<long>? Counts, long? DontKnow, Estimate? Agree, Estimate? Mean)
{
    public bool Suppressed => Counts is null;

    /// <summary>Answers on the scale; "don't know" is not among them. Null when the cell is suppressed.</summary>
    public long? N => Counts?.Sum();

    /// <summary>Answers of 4 or 5, the numerator of the share who agree.</summary>
    public long? Agreeing => Counts?.Skip(RoundResults.AgreeFrom - QuestionnaireDefinition.ScaleMin).Sum();

    public static StatementFigures Hidden(string key) => new(key, null, null, null, null);

    public long CountOf(int value) => Counts is null ? 0 : Counts[value - QuestionnaireDefinition.ScaleMin];
}

/// <summary>A theme's index (0–100) in one group: n respondents with at least one statement answered on the scale; null when suppressed.</summary>
public sealed record ThemeFigures(string ThemeKey, long? N, Estimate? Index)
{
    public bool Suppressed => N is null;

    /// <summary>The sample variance of the respondents' indices, for the interval of a change between rounds; null when suppressed or n &lt; 2.</summary>
    public double? Variance { get; init; }
}

/// <summary>
/// Everyone, or one background group ("role" = 2). A suppressed group carries no figures at all, not
/// even its size: <see cref="Size"/> is null and the statements and themes are empty. In a group that is
/// shown, single statements and themes may still be suppressed (see <see cref="Suppression"/>).
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
    IReadOnlyDictionary<string, IReadOnlyList<GroupFigures>> Breakdowns,
    IReadOnlySet<Cell> Hidden)
{
    /// <summary>"Agree" is 4 or 5 on the 1–5 scale.</summary>
    public const int AgreeFrom = 4;

    /// <summary>Everyone's figures followed by the groups of each breakdown, in the questionnaire's order.</summary>
    public IEnumerable<GroupFigures> AllGroups => Breakdowns.Values.SelectMany(groups => groups).Prepend(Everyone);

    /// <summary>
    /// Rounds whose results are visible (<see cref="Round.ResultsVisible"/>; never a draft), newest first, each with the
    /// response count of the results it shows (<see cref="LiveSnapshots.ShownResponses"/>), never the running count.
    /// </summary>
    public static async Task<IReadOnlyList<PublishedRound>> PublishedAsync(SurveyDb db, int liveStep, CancellationToken cancellationToken)
    {
        // Newest first by when the answers were collected: a round still open, then by close, then by opening.
        var rounds = await db.Rounds.AsNoTracking().Where(r => r.IsPublished)
            .OrderByDescending(r => r.ClosedAt == null).ThenByDescending(r => r.ClosedAt).ThenByDescending(r => r.OpenedAt)
            .ToListAsync(cancellationToken);
        var shown = await LastVersionsAsync(db, cancellationToken);
        return [.. rounds.Where(r => r.ResultsVisible).Select(r => Shown(r, shown, liveStep))];
    }

    /// <summary>The round if its results are visible; null for a round that is unknown or not published.</summary>
    public static async Task<PublishedRound?> FindPublishedAsync(SurveyDb db, string slug, int liveStep, CancellationToken cancellationToken)
    {
        var round = await db.Rounds.AsNoTracking().SingleOrDefaultAsync(r => r.Slug == slug, cancellationToken);
        return round is not null && round.ResultsVisible ? Shown(round, await LastVersionsAsync(db, cancellationToken, round.Id), liveStep) : null;
    }

    /// <summary>The response count of each round's last live version shown, by round.</summary>
    public static async Task<Dictionary<int, int>> LastVersionsAsync(SurveyDb db, CancellationToken cancellationToken, int? roundId = null) =>
        await db.LiveVersions.AsNoTracking()
            .Where(v => roundId == null || v.RoundId == roundId)
            .GroupBy(v => v.RoundId)
            .Select(g => new { RoundId = g.Key, Responses = g.Max(v => v.Responses) })
            .ToDictionaryAsync(v => v.RoundId, v => v.Responses, cancellationToken);

    /// <summary>How many live versions of a round readers were shown while it was open.</summary>
    public static Task<int> LiveVersionCountAsync(SurveyDb db, int roundId, CancellationToken cancellationToken) =>
        db.LiveVersions.CountAsync(v => v.RoundId == roundId, cancellationToken);

    private static PublishedRound Shown(Round round, Dictionary<int, int> lastVersions, int liveStep) =>
        PublishedRound.Of(round) with
        {
            Responses = LiveSnapshots.ShownResponses(round.State, round.ResponseCount, lastVersions.TryGetValue(round.Id, out var last) ? last : null, liveStep),
        };

    /// <summary>The results of a published round, or null for a round that is unknown or not published.</summary>
    public static async Task<RoundResults?> LoadAsync(SurveyDb db, QuestionnaireCatalog catalog, LiveSnapshots live, int minGroupSize, string slug, CancellationToken cancellationToken)
    {
        if (await FindPublishedAsync(db, slug, live.LiveStep(minGroupSize), cancellationToken) is not { } round)
        {
            return null;
        }
        var questionnaire = await catalog.GetAsync(round.QuestionnaireId, cancellationToken);
        return await live.ResultsAsync(db, round, questionnaire, minGroupSize, cancellationToken);
    }

    /// <summary>The round's tallies as they stand; call it inside a transaction that also read the round, so that both are of one commit.</summary>
    public static async Task<RoundTallies> TalliesAsync(SurveyDb db, int roundId, CancellationToken cancellationToken)
    {
        if (db is PostgresSurveyDb)
        {
            return await PostgresTallies.ReadAsync(db, roundId, cancellationToken);
        }
        var answerTallies = await db.AnswerTallies.AsNoTracking()
            .Where(t => t.RoundId == roundId)
            .Select(t => new { t.GroupKey, t.QuestionKey, t.Value, t.Count })
            .ToListAsync(cancellationToken);
        var themeTallies = await db.ThemeTallies.AsNoTracking()
            .Where(t => t.RoundId == roundId)
            .ToListAsync(cancellationToken);
        return new RoundTallies(
            answerTallies.ToDictionary(t => (t.GroupKey, t.QuestionKey, t.Value), t => t.Count),
            themeTallies.ToDictionary(t => (t.GroupKey, t.ThemeKey)));
    }

    /// <summary>The figures from the tallies: counts by (group, question, value) and theme sums by (group, theme).</summary>
    internal static RoundResults Compute(
        PublishedRound round,
        QuestionnaireDefinition questionnaire,
        int minGroupSize,
        IReadOnlyDictionary<(string Group, string Question, int Value), long> counts,
        IReadOnlyDictionary<(string Group, string Theme), ThemeTally> themes) =>
        Compute(round, questionnaire, minGroupSize, new RoundTallies(counts, themes), []);

    /// <summary>The figures from the tallies with every cell of <see cref="Suppression.HiddenCells"/> left empty.</summary>
    public static RoundResults Compute(PublishedRound round, QuestionnaireDefinition questionnaire, int minGroupSize, RoundTallies tallies, IEnumerable<Cell> forced)
    {
        var hidden = Suppression.HiddenCells(questionnaire, tallies.CellCounts(questionnaire), minGroupSize, forced);
        var everyone = Figures(questionnaire, tallies, hidden, "", null, "");
        var breakdowns = new Dictionary<string, IReadOnlyList<GroupFigures>>();
        foreach (var background in questionnaire.Background)
        {
            breakdowns[background.Key] = [.. background.Options.Select(option =>
                Figures(questionnaire, tallies, hidden, background.Key, option.Value, $"{background.Key}={option.Value}"))];
        }
        return new RoundResults(round, questionnaire, minGroupSize, everyone, breakdowns, hidden);
    }

    private static GroupFigures Figures(QuestionnaireDefinition questionnaire, RoundTallies tallies, HashSet<Cell> hidden, string breakdown, int? option, string groupKey)
    {
        if (hidden.Contains(new Cell(Suppression.Size, groupKey)))
        {
            return GroupFigures.Hidden(breakdown, option);
        }
        var counts = tallies.Counts;
        var statements = new Dictionary<string, StatementFigures>();
        foreach (var statement in questionnaire.Statements)
        {
            if (hidden.Contains(new Cell(Suppression.StatementMeasure(statement.Key), groupKey)))
            {
                statements[statement.Key] = StatementFigures.Hidden(statement.Key);
                continue;
            }
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
            themeFigures[theme.Key] = hidden.Contains(new Cell(Suppression.ThemeMeasure(theme.Key), groupKey))
                ? new ThemeFigures(theme.Key, null, null)
                : tallies.Themes.TryGetValue((groupKey, theme.Key), out var tally)
                    ? new ThemeFigures(theme.Key, tally.N, Statistics.Mean(tally.N, tally.Sum, tally.SumOfSquares, 0, 100))
                    {
                        Variance = tally.N < 2 ? null : Math.Max(0, (tally.SumOfSquares - (tally.Sum * tally.Sum / tally.N)) / (tally.N - 1)),
                    }
                    : new ThemeFigures(theme.Key, 0, null);
        }
        return new GroupFigures(breakdown, option, tallies.Size(questionnaire, groupKey), statements, themeFigures);
    }
}
