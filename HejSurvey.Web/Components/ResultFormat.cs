using System.Globalization;
using HejSurvey.Web.OpenResults;

namespace HejSurvey.Web.Components;

/// <summary>One line of a results table: everyone, a group or another round; null figures mean the group is hidden.</summary>
public sealed record StatementSeries(string Label, StatementFigures? Figures);

/// <summary>One line of the theme index table; null figures mean the group is hidden.</summary>
public sealed record ThemeSeries(string Label, IReadOnlyDictionary<string, ThemeFigures>? Figures);

/// <summary>
/// How figures read on the page, in the reader's culture (decimal comma and "62 %" in Swedish). Every figure is
/// rounded half away from zero on its exact value, the same in tables, chart data and text: a share from its two
/// counts in whole numbers (3 of 8 is 37.5 %, shown as 38 %), means and indices in decimal arithmetic, never from a
/// binary double's nearest neighbour of the half.
/// </summary>
public static class ResultFormat
{
    /// <summary>The whole percent of <paramref name="part"/> in <paramref name="whole"/>, half away from zero, in integers.</summary>
    public static long Percent(long part, long whole) => whole <= 0 ? 0 : ((200 * part) + whole) / (2 * whole);

    /// <summary>"38 %" for 3 of 8.</summary>
    public static string Share(long part, long whole) => (Percent(part, whole) / 100m).ToString("P0", CultureInfo.CurrentCulture);

    /// <summary>A share given as a number 0–1 (an interval's end), in whole percent, half away from zero.</summary>
    public static string Share(double share) => (Math.Round((decimal)share * 100, 0, MidpointRounding.AwayFromZero) / 100m).ToString("P0", CultureInfo.CurrentCulture);

    public static decimal RoundedMean(double mean) => Math.Round((decimal)mean, 2, MidpointRounding.AwayFromZero);

    public static string Mean(double mean) => RoundedMean(mean).ToString("0.00", CultureInfo.CurrentCulture);

    public static decimal RoundedIndex(double index) => Math.Round((decimal)index, 0, MidpointRounding.AwayFromZero);

    public static string Index(double index) => RoundedIndex(index).ToString("0", CultureInfo.CurrentCulture);

    public static string Count(long count) => count.ToString("N0", CultureInfo.CurrentCulture);

    /// <summary>"58–66 %" for a share, "3,31–3,53" for a mean; empty when there is no interval (a single answer).</summary>
    public static string Interval(Estimate estimate, Func<double, string> format) =>
        estimate is { Low: { } low, High: { } high } ? $"{format(low)}–{format(high)}" : "";
}
