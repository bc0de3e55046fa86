namespace HejSurvey.Web.Survey;

/// <summary>A statement in two versions: its wording and theme in each (null where the version does not ask it).</summary>
public sealed record StatementChange(string Key, LocalizedText? Before, LocalizedText? After, string? ThemeBefore, string? ThemeAfter);

/// <summary>An option of a background question in two versions (null where the version does not have it).</summary>
public sealed record OptionChange(string Question, int Value, LocalizedText? Before, LocalizedText? After);

/// <summary>
/// What changed from one version of a questionnaire to another, on statement keys: a key names one question in every
/// version, so a changed wording under the same key is a break in series, and a key only one version has was not
/// asked in the other. Comparisons across versions say exactly this.
/// </summary>
public sealed record QuestionnaireChanges(
    int From,
    int To,
    IReadOnlyList<StatementChange> Reworded,
    IReadOnlyList<StatementChange> Added,
    IReadOnlyList<StatementChange> Removed,
    IReadOnlyList<StatementChange> Moved,
    IReadOnlyList<string> ThemesDiffering,
    IReadOnlyList<OptionChange> Options)
{
    public bool None => Reworded.Count + Added.Count + Removed.Count + Moved.Count + ThemesDiffering.Count + Options.Count == 0;

    public static QuestionnaireChanges Between(QuestionnaireDefinition earlier, QuestionnaireDefinition later)
    {
        // Ranks count only statements that both versions ask in the same theme, so that adding, removing or moving one
        // statement does not make its neighbours look moved.
        var themeBefore = earlier.Themes.SelectMany(t => t.Statements.Select(s => (s.Key, Theme: t.Key))).ToDictionary(x => x.Key, x => x.Theme, StringComparer.Ordinal);
        var common = later.Themes.SelectMany(t => t.Statements.Where(s => themeBefore.GetValueOrDefault(s.Key) == t.Key).Select(s => s.Key)).ToHashSet(StringComparer.Ordinal);
        var before = Positions(earlier, common);
        var after = Positions(later, common);
        var reworded = new List<StatementChange>();
        var added = new List<StatementChange>();
        var moved = new List<StatementChange>();
        foreach (var (key, now) in after)
        {
            if (!before.TryGetValue(key, out var then))
            {
                added.Add(new(key, null, now.Statement.Text, null, now.Theme.Key));
                continue;
            }
            if (then.Statement.Text != now.Statement.Text)
            {
                reworded.Add(new(key, then.Statement.Text, now.Statement.Text, then.Theme.Key, now.Theme.Key));
            }
            if (then.Theme.Key != now.Theme.Key || then.Rank != now.Rank)
            {
                moved.Add(new(key, then.Statement.Text, now.Statement.Text, then.Theme.Key, now.Theme.Key));
            }
        }
        var removed = before.Where(b => !after.ContainsKey(b.Key)).Select(b => new StatementChange(b.Key, b.Value.Statement.Text, null, b.Value.Theme.Key, null)).ToList();

        // A theme index is comparable only where both versions ask the same statements in it.
        var themes = earlier.Themes.Select(t => t.Key).Union(later.Themes.Select(t => t.Key))
            .Where(key => !StatementKeys(earlier, key).SetEquals(StatementKeys(later, key)))
            .ToList();

        var options = new List<OptionChange>();
        foreach (var question in earlier.Background.Select(b => b.Key).Union(later.Background.Select(b => b.Key)))
        {
            var then = earlier.Background.FirstOrDefault(b => b.Key == question)?.Options ?? [];
            var now = later.Background.FirstOrDefault(b => b.Key == question)?.Options ?? [];
            foreach (var value in then.Select(o => o.Value).Union(now.Select(o => o.Value)).Order())
            {
                var a = then.FirstOrDefault(o => o.Value == value)?.Text;
                var b = now.FirstOrDefault(o => o.Value == value)?.Text;
                if (a != b)
                {
                    options.Add(new(question, value, a, b));
                }
            }
        }
        return new(earlier.Version, later.Version, reworded, added, removed, moved, themes, options);
    }

    private static HashSet<string> StatementKeys(QuestionnaireDefinition questionnaire, string theme) =>
        [.. questionnaire.Themes.FirstOrDefault(t => t.Key == theme)?.Statements.Select(s => s.Key) ?? []];

    /// <summary>Each statement with its theme and its rank among the <paramref name="common"/> statements of its theme.</summary>
    private static Dictionary<string, (Theme Theme, Statement Statement, int Rank)> Positions(QuestionnaireDefinition questionnaire, HashSet<string> common)
    {
        var positions = new Dictionary<string, (Theme, Statement, int)>(StringComparer.Ordinal);
        foreach (var theme in questionnaire.Themes)
        {
            var rank = 0;
            foreach (var statement in theme.Statements)
            {
                positions[statement.Key] = (theme, statement, common.Contains(statement.Key) ? rank++ : -1);
            }
        }
        return positions;
    }
}
