using System.Text.Json;
using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;

namespace HejSurvey.Web.OpenResults;

/// <summary>
/// A round's tallies at one commit: counts by (group, question, value) and theme sums by (group, theme). Everything
/// published is computed from these, and a live version keeps them so that it can be computed again.
/// </summary>
public sealed record RoundTallies(
    IReadOnlyDictionary<(string Group, string Question, int Value), long> Counts,
    IReadOnlyDictionary<(string Group, string Theme), ThemeTally> Themes)
{
    public static readonly RoundTallies Empty = new(new Dictionary<(string, string, int), long>(), new Dictionary<(string, string), ThemeTally>());

    /// <summary>
    /// The counts that each cell's figures rest on (see <see cref="Suppression.HiddenCells"/>): a group's size, a
    /// statement's answers on the scale and answers at all, a theme's respondents with an index.
    /// </summary>
    public Dictionary<Cell, long[]> CellCounts(QuestionnaireDefinition questionnaire)
    {
        var cells = new Dictionary<Cell, long[]>();
        var groups = questionnaire.Background.SelectMany(b => b.Options.Select(o => $"{b.Key}={o.Value}")).Prepend("").ToList();
        foreach (var group in groups)
        {
            cells[new Cell(Suppression.Size, group)] = [Size(questionnaire, group)];
            foreach (var statement in questionnaire.Statements)
            {
                var onScale = questionnaire.Scale.Sum(s => Counts.GetValueOrDefault((group, statement.Key, s.Value)));
                cells[new Cell(Suppression.StatementMeasure(statement.Key), group)] =
                    [onScale, onScale + Counts.GetValueOrDefault((group, statement.Key, QuestionnaireDefinition.DontKnowValue))];
            }
            foreach (var theme in questionnaire.Themes)
            {
                cells[new Cell(Suppression.ThemeMeasure(theme.Key), group)] = [Themes.GetValueOrDefault((group, theme.Key))?.N ?? 0];
            }
        }
        return cells;
    }

    /// <summary>Respondents in a group ("" for everyone): everyone answered every background question, so any of them counts.</summary>
    public long Size(QuestionnaireDefinition questionnaire, string group)
    {
        if (group.Length == 0)
        {
            return questionnaire.Background.Count == 0
                ? 0
                : questionnaire.Background[0].Options.Sum(o => Counts.GetValueOrDefault(("", questionnaire.Background[0].Key, o.Value)));
        }
        var (question, value) = (group[..group.IndexOf('=', StringComparison.Ordinal)], int.Parse(group[(group.IndexOf('=', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        return Counts.GetValueOrDefault(("", question, value));
    }

    private sealed record StoredCount(string G, string Q, int V, long C);

    private sealed record StoredTheme(string G, string T, long N, double S, double Q);

    private sealed record Stored(List<StoredCount> Counts, List<StoredTheme> Themes);

    public string ToJson() => JsonSerializer.Serialize(new Stored(
        [.. Counts.Select(c => new StoredCount(c.Key.Group, c.Key.Question, c.Key.Value, c.Value))],
        [.. Themes.Select(t => new StoredTheme(t.Key.Group, t.Key.Theme, t.Value.N, t.Value.Sum, t.Value.SumOfSquares))]));

    public static RoundTallies FromJson(string json)
    {
        var stored = JsonSerializer.Deserialize<Stored>(json) ?? throw new InvalidOperationException("A stored live version has no tallies.");
        return new RoundTallies(
            stored.Counts.ToDictionary(c => (c.G, c.Q, c.V), c => c.C),
            stored.Themes.ToDictionary(t => (t.G, t.T), t => new ThemeTally { GroupKey = t.G, ThemeKey = t.T, N = t.N, Sum = t.S, SumOfSquares = t.Q }));
    }

    public static string CellsToJson(IEnumerable<Cell> cells) => JsonSerializer.Serialize(cells.Select(c => new[] { c.Measure, c.Group }));

    public static IReadOnlyList<Cell> CellsFromJson(string json) =>
        [.. (JsonSerializer.Deserialize<string[][]>(json) ?? []).Select(c => new Cell(c[0], c[1]))];
}
