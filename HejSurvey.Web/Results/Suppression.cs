using HejSurvey.Web.Survey;

namespace HejSurvey.Web.OpenResults;

/// <summary>
/// One published figure family of one group: the group's size (<see cref="Suppression.Size"/>), one statement's
/// answers or one theme's index, for everyone (<see cref="Group"/> "") or a background group ("role=2").
/// </summary>
public sealed record Cell(string Measure, string Group);

/// <summary>
/// Which cells of a round may not be published. The guarantee: no published figure rests on fewer than k
/// (<see cref="SurveyOptions.MinGroupSize"/>) respondents, and no hidden cell can be worked out from the published
/// ones by subtraction.
/// <list type="bullet">
/// <item>A cell is hidden when one of its counts lies between 1 and k − 1: a group smaller than k (an empty group
/// too: it is shown as hidden rather than as zero), a statement with fewer than k answers on the scale or fewer than
/// k answers at all, a theme with fewer than k respondents who have an index.</item>
/// <item>A hidden group hides all its cells.</item>
/// <item>Within a breakdown the groups add up to everyone, so "everyone minus the visible groups" gives the hidden
/// cells' total: while that total of any count lies between 1 and k − 1, the smallest visible cell of the same
/// statement, theme or size is hidden too (complementary suppression). Hidden cells without any respondent have
/// nothing to give away and need no complement.</item>
/// <item>A theme index is close to, and when nobody said "don't know" exactly, a fixed sum of its statements'
/// means, so within a group a theme and its statements are shown or hidden together: otherwise a hidden statement
/// could be worked out from the index and the other statements, or a hidden index from its statements.</item>
/// <item>A hidden cell of everyone hides that statement, theme or size in every group: the groups of any breakdown
/// add up to everyone and would give it back.</item>
/// </list>
/// The groups of different breakdowns overlap in unknown ways (no cross-tables are published), so a difference
/// between them is not a set of people and needs no rule of its own.
/// </summary>
public static class Suppression
{
    /// <summary>The measure of a group's size.</summary>
    public const string Size = "size";

    public static string StatementMeasure(string key) => $"statement:{key}";

    public static string ThemeMeasure(string key) => $"theme:{key}";

    /// <summary>
    /// The hidden cells, given each cell's counts (<paramref name="counts"/>: size → [respondents]; statement →
    /// [answers on the scale, answers at all]; theme → [respondents with an index]) and cells that must be hidden
    /// whatever their counts (<paramref name="forced"/>, from the live-results rule).
    /// </summary>
    public static HashSet<Cell> HiddenCells(QuestionnaireDefinition questionnaire, IReadOnlyDictionary<Cell, long[]> counts, int minGroupSize, IEnumerable<Cell> forced)
    {
        var breakdowns = questionnaire.Background.Select(b => b.Options.Select(o => $"{b.Key}={o.Value}").ToArray()).ToArray();
        var groups = breakdowns.SelectMany(b => b).Prepend("").ToArray();
        var measures = questionnaire.Themes
            .SelectMany(t => t.Statements.Select(s => StatementMeasure(s.Key)).Append(ThemeMeasure(t.Key)))
            .Prepend(Size)
            .ToArray();
        long[] Counts(Cell cell) => counts.GetValueOrDefault(cell) ?? [0];

        var hidden = new HashSet<Cell>(forced);
        foreach (var group in groups)
        {
            if (Counts(new Cell(Size, group))[0] < minGroupSize)
            {
                hidden.Add(new Cell(Size, group));
            }
            foreach (var measure in measures.Skip(1))
            {
                if (Counts(new Cell(measure, group)).Any(c => c > 0 && c < minGroupSize))
                {
                    hidden.Add(new Cell(measure, group));
                }
            }
        }

        // Each rule can call for another; hiding only ever grows, so this ends.
        var before = -1;
        while (hidden.Count != before)
        {
            before = hidden.Count;
            foreach (var group in groups.Where(g => hidden.Contains(new Cell(Size, g))))
            {
                hidden.UnionWith(measures.Select(m => new Cell(m, group)));
            }
            foreach (var measure in measures.Where(m => hidden.Contains(new Cell(m, ""))))
            {
                hidden.UnionWith(groups.Select(g => new Cell(measure, g)));
            }
            foreach (var theme in questionnaire.Themes)
            {
                var together = theme.Statements.Select(s => StatementMeasure(s.Key)).Append(ThemeMeasure(theme.Key)).ToArray();
                foreach (var group in groups.Where(g => together.Any(m => hidden.Contains(new Cell(m, g)))))
                {
                    hidden.UnionWith(together.Select(m => new Cell(m, group)));
                }
            }
            foreach (var breakdown in breakdowns)
            {
                foreach (var measure in measures)
                {
                    var cells = breakdown.Select(g => new Cell(measure, g)).ToArray();
                    var flags = cells.Select(hidden.Contains).ToArray();
                    Complement([.. cells.Select(Counts)], flags, minGroupSize);
                    hidden.UnionWith(cells.Where((_, i) => flags[i]));
                }
            }
        }
        return hidden;
    }

    /// <summary>
    /// Complementary suppression within one breakdown: hides the smallest visible cell (by its first count) while the
    /// hidden cells together hold between 1 and k − 1 of any count.
    /// </summary>
    public static void Complement(IReadOnlyList<long[]> counts, bool[] hidden, int minGroupSize)
    {
        bool Exposed() => Enumerable.Range(0, counts[0].Length).Any(c =>
            Enumerable.Range(0, counts.Count).Where(i => hidden[i]).Sum(i => counts[i][c]) is > 0 and var total && total < minGroupSize);
        while (Exposed() && hidden.Contains(false))
        {
            var smallest = Enumerable.Range(0, counts.Count).Where(i => !hidden[i]).MinBy(i => counts[i][0]);
            hidden[smallest] = true;
        }
    }

    /// <summary>The groups of one breakdown hidden by their sizes alone (before statements and themes are looked at).</summary>
    public static bool[] HiddenGroups(IReadOnlyList<long> sizes, int minGroupSize)
    {
        var hidden = sizes.Select(size => size < minGroupSize).ToArray();
        Complement([.. sizes.Select(s => new[] { s })], hidden, minGroupSize);
        return hidden;
    }
}
