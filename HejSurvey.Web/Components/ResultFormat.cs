using System.Globalization;
using HejSurvey.Web.OpenResults;

namespace HejSurvey.Web.Components;

/// <summary>One line of a results table: everyone, a group or another round; null figures mean the group is hidden.</summary>
/// With a comparison, the line of this round carries its change from the compared round's line of the same group.
public sealed record StatementSeries(string Label, StatementFigures? Figures)
{
    /// <summary>The full label (round title and group) where <see cref="Label"/> is short.</summary>
    public string? FullLabel { get; init; }

    public Difference? AgreeChange { get; init; }

    public Difference? MeanChange { get; init; }
}

/// <summary>One line of the theme index table; null figures mean the group is hidden. Changes by theme key, with a comparison.</summary>
public sealed record ThemeSeries(string Label, IReadOnlyDictionary<string, ThemeFigures>? Figures)
{
    public string? FullLabel { get; init; }

    public IReadOnlyDictionary<string, Difference>? Changes { get; init; }

    /// <summary>A line of the compared round: its bars are hatched in the colour of the same group.</summary>
    public bool Compared { get; init; }

    /// <summary>The group's name without the round's, shared by its lines in both rounds (a small multiple each).</summary>
    public string? Group { get; init; }
}

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
    public static string Share(long part, long whole) => PercentText(Percent(part, whole));

    /// <summary>A share given as a number 0–1 (an interval's end), in whole percent, half away from zero.</summary>
    public static string Share(double share) => PercentText(Math.Round((decimal)share * 100, 0, MidpointRounding.AwayFromZero));

    /// <summary>
    /// Whole percent with the sign as each language writes it: "62 %" in Swedish, with a no-break space so that the
    /// sign never starts a line, and "62%" in English. Not left to the culture data, which differs between platforms.
    /// </summary>
    public static string PercentText(decimal wholePercent) =>
        CultureInfo.CurrentCulture.TwoLetterISOLanguageName == "sv"
            ? $"{wholePercent.ToString("0", CultureInfo.CurrentCulture)}\u00a0%"
            : $"{wholePercent.ToString("0", CultureInfo.CurrentCulture)}%";

    /// <summary>A change in whole percentage points or index points with its sign: "+5", "−3" (a true minus), "0".</summary>
    public static string Points(double change)
    {
        var rounded = Math.Round((decimal)change, 0, MidpointRounding.AwayFromZero);
        return rounded switch
        {
            > 0 => $"+{rounded.ToString("0", CultureInfo.CurrentCulture)}",
            < 0 => $"\u2212{(-rounded).ToString("0", CultureInfo.CurrentCulture)}",
            _ => "0",
        };
    }

    /// <summary>A change in hundredths of the scale (means): "+0,25", "−0,10".</summary>
    public static string MeanPoints(double change)
    {
        var rounded = RoundedMean(change);
        return rounded switch
        {
            > 0 => $"+{rounded.ToString("0.00", CultureInfo.CurrentCulture)}",
            < 0 => $"\u2212{(-rounded).ToString("0.00", CultureInfo.CurrentCulture)}",
            _ => 0m.ToString("0.00", CultureInfo.CurrentCulture),
        };
    }

    public static decimal RoundedMean(double mean) => Math.Round((decimal)mean, 2, MidpointRounding.AwayFromZero);

    public static string Mean(double mean) => RoundedMean(mean).ToString("0.00", CultureInfo.CurrentCulture);

    public static decimal RoundedIndex(double index) => Math.Round((decimal)index, 0, MidpointRounding.AwayFromZero);

    public static string Index(double index) => RoundedIndex(index).ToString("0", CultureInfo.CurrentCulture);

    public static string Count(long count) => count.ToString("N0", CultureInfo.CurrentCulture);

    /// <summary>"58–66 %" for a share, "3,31–3,53" for a mean; empty when there is no interval (a single answer).</summary>
    public static string Interval(Estimate estimate, Func<double, string> format) =>
        estimate is { Low: { } low, High: { } high } ? $"{format(low)}–{format(high)}" : "";
}
