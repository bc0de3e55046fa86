using System.Globalization;
using HejSurvey.Web.Components;

namespace HejSurvey.Tests.Unit;

/// <summary>Shares from their counts, means and indices on their exact values: halves away from zero, in both languages.</summary>
public sealed class RoundingTests
{
    [Theory]
    [InlineData(9, 120, 8)] // 7.5 %
    [InlineData(1, 8, 13)] // 12.5 %
    [InlineData(3, 8, 38)] // 37.5 %
    [InlineData(5, 8, 63)] // 62.5 %
    [InlineData(1, 3, 33)]
    [InlineData(2, 3, 67)]
    [InlineData(0, 7, 0)]
    [InlineData(7, 7, 100)]
    public void A_share_is_rounded_from_its_counts_half_away_from_zero(long part, long whole, long percent) =>
        Assert.Equal(percent, ResultFormat.Percent(part, whole));

    [Theory]
    [InlineData("sv-SE", 9, 120, "8 %")]
    [InlineData("sv-SE", 1, 8, "13 %")]
    [InlineData("en", 3, 8, "38%")]
    [InlineData("en", 1, 8, "13%")]
    public void The_share_reads_the_same_rounded_value_in_either_language(string culture, long part, long whole, string expected)
    {
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
            Assert.Equal(expected, ResultFormat.Share(part, whole).Replace('\u00a0', ' '));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Theory]
    [InlineData(3.125, "3.13")]
    [InlineData(2.675, "2.68")] // 107/40: a binary double lies a hair below the half
    [InlineData(1.005, "1.01")]
    [InlineData(4.0, "4.00")]
    public void A_mean_is_rounded_to_two_decimals_half_away_from_zero(double mean, string expected) =>
        Assert.Equal(expected, ResultFormat.RoundedMean(mean).ToString("0.00", CultureInfo.InvariantCulture));

    [Theory]
    [InlineData(62.5, 63)]
    [InlineData(37.5, 38)]
    [InlineData(12.49, 12)]
    public void An_index_is_rounded_to_a_whole_number_half_away_from_zero(double index, int expected) =>
        Assert.Equal(expected, ResultFormat.RoundedIndex(index));
}
