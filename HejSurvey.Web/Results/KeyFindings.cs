using HejSurvey.Web.Components;
using HejSurvey.Web.Survey;
using Microsoft.Extensions.Localization;

namespace HejSurvey.Web.OpenResults;

/// <summary>One statement in the overview: everyone's share who agree, with its interval.</summary>
public sealed record OverviewBar(string Key, int Number, string Text, long Agreeing, long N, Estimate Agree);

/// <summary>A group of the breakdown with its figures, named as the page names it.</summary>
public sealed record NamedGroup(string Name, GroupFigures Figures);

/// <summary>
/// What stands out in a round, as whole sentences in the reader's language: the statements most and least agreed
/// with, and, with a breakdown or a comparison, the largest differences whose 95 % interval excludes zero. Only
/// figures the page shows are used, so a suppressed cell never enters a sentence.
/// </summary>
public static class KeyFindings
{
    /// <summary>How many differences the list names at most.</summary>
    public const int MaxDifferences = 3;

    /// <summary>Every statement everyone answered on the scale, most agreed with first; ties in the questionnaire's order.</summary>
    public static IReadOnlyList<OverviewBar> Overview(RoundResults results)
    {
        var bars = new List<OverviewBar>();
        var number = 0;
        foreach (var statement in results.Questionnaire.Statements)
        {
            number++;
            if (results.Everyone.Statements.GetValueOrDefault(statement.Key) is { Suppressed: false, N: > 0, Agree: { } agree } figures)
            {
                bars.Add(new OverviewBar(statement.Key, number, statement.Text.Current, figures.Agreeing!.Value, figures.N!.Value, agree));
            }
        }
        return [.. bars.OrderByDescending(b => ResultFormat.Percent(b.Agreeing, b.N)).ThenBy(b => b.Number)];
    }

    public static IReadOnlyList<string> Sentences(
        RoundResults results,
        IReadOnlyList<NamedGroup> groups,
        RoundResults? compared,
        string roundName,
        string comparedName,
        IStringLocalizer text)
    {
        var overview = Overview(results);
        var sentences = new List<string>();
        if (overview.Count == 0)
        {
            return sentences;
        }
        var top = overview[0];
        sentences.Add(text["Flest instämmer i ”{0}”: {1} (95 % intervall {2}, n = {3}).", top.Text, Share(top), ResultFormat.Interval(top.Agree, ResultFormat.Share), ResultFormat.Count(top.N)]);
        if (overview.Count > 1)
        {
            var bottom = overview[^1];
            sentences.Add(text["Minst instämmer i ”{0}”: {1} (95 % intervall {2}, n = {3}).", bottom.Text, Share(bottom), ResultFormat.Interval(bottom.Agree, ResultFormat.Share), ResultFormat.Count(bottom.N)]);
        }

        if (groups.Count > 1)
        {
            var differences = GroupDifferences(results.Questionnaire, groups, text);
            sentences.AddRange(differences);
            if (differences.Count == 0)
            {
                sentences.Add(text["Ingen skillnad mellan grupperna är större än slumpen rimligen kan ge (inget 95 % intervall för en skillnad utesluter noll)."]);
            }
        }
        if (compared is not null)
        {
            var changes = RoundChanges(results, compared, roundName, comparedName, text);
            sentences.AddRange(changes);
            if (changes.Count == 0)
            {
                sentences.Add(text["Ingen förändring sedan {0} är större än slumpen rimligen kan ge (inget 95 % intervall för en förändring utesluter noll).", comparedName]);
            }
        }
        return sentences;
    }

    private static string Share(OverviewBar bar) => ResultFormat.Share(bar.Agreeing, bar.N);

    /// <summary>Per statement and theme, the groups farthest apart; the largest clear ones.</summary>
    private static List<string> GroupDifferences(QuestionnaireDefinition questionnaire, IReadOnlyList<NamedGroup> groups, IStringLocalizer text)
    {
        var found = new List<(double Size, string Sentence)>();
        foreach (var statement in questionnaire.Statements)
        {
            var shown = groups
                .Select(g => (g.Name, Figures: g.Figures.Statements.GetValueOrDefault(statement.Key)))
                .Where(g => g.Figures is { Suppressed: false, N: > 0 })
                .OrderByDescending(g => g.Figures!.Agree!.Value)
                .ToList();
            if (shown.Count < 2)
            {
                continue;
            }
            var (high, low) = (shown[0], shown[^1]);
            if (Differences.Shares(high.Figures!.Agreeing!.Value, high.Figures.N!.Value, low.Figures!.Agreeing!.Value, low.Figures.N!.Value) is { Clear: true } difference)
            {
                found.Add((difference.Value * 100, text["”{0}”: {1} instämmer bland {2} mot {3} bland {4}, en skillnad på {5} procentenheter (95 % intervall {6} till {7}).",
                    statement.Text.Current,
                    ResultFormat.Share(high.Figures.Agreeing.Value, high.Figures.N.Value), high.Name,
                    ResultFormat.Share(low.Figures.Agreeing.Value, low.Figures.N.Value), low.Name,
                    ResultFormat.Points(difference.Value * 100), ResultFormat.Points(difference.Low * 100), ResultFormat.Points(difference.High * 100)]));
            }
        }
        foreach (var theme in questionnaire.Themes)
        {
            var shown = groups
                .Select(g => (g.Name, Figures: g.Figures.Themes.GetValueOrDefault(theme.Key)))
                .Where(g => g.Figures is { Suppressed: false, Index: not null, Variance: not null })
                .OrderByDescending(g => g.Figures!.Index!.Value)
                .ToList();
            if (shown.Count < 2)
            {
                continue;
            }
            var (high, low) = (shown[0].Figures!, shown[^1].Figures!);
            if (Differences.Means(high.N!.Value, high.Index!.Value, high.Variance!.Value, low.N!.Value, low.Index!.Value, low.Variance!.Value) is { Clear: true } difference)
            {
                found.Add((difference.Value, text["Index för {0}: {1} bland {2} mot {3} bland {4}, en skillnad på {5} indexenheter (95 % intervall {6} till {7}).",
                    theme.Title.Current,
                    ResultFormat.Index(high.Index.Value), shown[0].Name,
                    ResultFormat.Index(low.Index.Value), shown[^1].Name,
                    ResultFormat.Points(difference.Value), ResultFormat.Points(difference.Low), ResultFormat.Points(difference.High)]));
            }
        }
        return [.. found.OrderByDescending(f => f.Size).Take(MaxDifferences).Select(f => f.Sentence)];
    }

    /// <summary>Everyone in this round against everyone in the compared one: the largest clear changes.</summary>
    private static List<string> RoundChanges(RoundResults results, RoundResults compared, string roundName, string comparedName, IStringLocalizer text)
    {
        var found = new List<(double Size, string Sentence)>();
        foreach (var statement in results.Questionnaire.Statements)
        {
            if (results.Everyone.Statements.GetValueOrDefault(statement.Key) is not { Suppressed: false, N: > 0 } now
                || compared.Everyone.Statements.GetValueOrDefault(statement.Key) is not { Suppressed: false, N: > 0 } then)
            {
                continue;
            }
            if (Differences.Shares(now.Agreeing!.Value, now.N!.Value, then.Agreeing!.Value, then.N!.Value) is { Clear: true } change)
            {
                found.Add((Math.Abs(change.Value) * 100, text["”{0}”: {1} instämmer {2} mot {3} {4}, en förändring på {5} procentenheter (95 % intervall {6} till {7}).",
                    statement.Text.Current,
                    ResultFormat.Share(now.Agreeing.Value, now.N.Value), roundName,
                    ResultFormat.Share(then.Agreeing.Value, then.N.Value), comparedName,
                    ResultFormat.Points(change.Value * 100), ResultFormat.Points(change.Low * 100), ResultFormat.Points(change.High * 100)]));
            }
        }
        foreach (var theme in results.Questionnaire.Themes)
        {
            if (results.Everyone.Themes.GetValueOrDefault(theme.Key) is not { Index: not null, Variance: not null } now
                || compared.Everyone.Themes.GetValueOrDefault(theme.Key) is not { Index: not null, Variance: not null } then)
            {
                continue;
            }
            if (Differences.Means(now.N!.Value, now.Index.Value, now.Variance.Value, then.N!.Value, then.Index.Value, then.Variance.Value) is { Clear: true } change)
            {
                found.Add((Math.Abs(change.Value), text["Index för {0}: {1} {2} mot {3} {4}, en förändring på {5} indexenheter (95 % intervall {6} till {7}).",
                    theme.Title.Current,
                    ResultFormat.Index(now.Index.Value), roundName,
                    ResultFormat.Index(then.Index.Value), comparedName,
                    ResultFormat.Points(change.Value), ResultFormat.Points(change.Low), ResultFormat.Points(change.High)]));
            }
        }
        return [.. found.OrderByDescending(f => f.Size).Take(MaxDifferences).Select(f => f.Sentence)];
    }
}
