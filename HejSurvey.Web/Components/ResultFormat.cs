using System.Globalization;
using HejSurvey.Web.OpenResults;

namespace HejSurvey.Web.Components;

/// <summary>One line of a results table: everyone, a group or another round; null figures mean the group is hidden.</summary>
public sealed record StatementSeries(string Label, StatementFigures? Figures);

/// <summary>One line of the theme index table; null figures mean the group is hidden.</summary>
public sealed record ThemeSeries(string Label, IReadOnlyDictionary<string, ThemeFigures>? Figures);

/// <summary>How figures read on the page, in the reader's culture (decimal comma and "62 %" in Swedish).</summary>
public static class ResultFormat
{
    public static string Share(double share) => share.ToString("P0", CultureInfo.CurrentCulture);

    public static string Mean(double mean) => mean.ToString("0.00", CultureInfo.CurrentCulture);

    public static string Index(double index) => index.ToString("0", CultureInfo.CurrentCulture);

    public static string Count(long count) => count.ToString("N0", CultureInfo.CurrentCulture);

    /// <summary>"58–66 %" for a share, "3,31–3,53" for a mean; empty when there is no interval (a single answer).</summary>
    public static string Interval(Estimate estimate, Func<double, string> format) =>
        estimate is { Low: { } low, High: { } high } ? $"{format(low)}–{format(high)}" : "";

    /// <summary>A number for chart data: invariant, one decimal, so the JSON stays small.</summary>
    public static double Chart(double value) => Math.Round(value, 1);
}
