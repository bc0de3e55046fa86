using HejSurvey.Web.OpenResults;

namespace HejSurvey.Tests.Unit;

/// <summary>
/// Intervals of a change against worked examples: Newcombe (1998), "Interval estimation for the difference between
/// independent proportions", Statistics in Medicine 17, 873–890, table II, method 10 (the hybrid score interval);
/// the Welch interval against R's t.test with the same data.
/// </summary>
public sealed class DifferenceTests
{
    [Theory]
    [InlineData(56, 70, 48, 80, 0.0524, 0.3339)]
    [InlineData(9, 10, 3, 10, 0.1705, 0.8090)]
    [InlineData(6, 7, 2, 7, 0.0582, 0.8062)]
    [InlineData(5, 56, 0, 29, -0.0381, 0.1926)]
    [InlineData(0, 10, 0, 20, -0.1611, 0.2775)]
    [InlineData(10, 10, 0, 20, 0.6791, 1.0000)]
    public void Newcombe_hybrid_score_interval_matches_the_paper(long x1, long n1, long x2, long n2, double low, double high)
    {
        var difference = Differences.Shares(x1, n1, x2, n2)!;
        Assert.Equal(((double)x1 / n1) - ((double)x2 / n2), difference.Value, 10);
        Assert.Equal(low, difference.Low, 4);
        Assert.Equal(high, difference.High, 4);
    }

    [Fact]
    public void A_change_is_clear_only_when_its_interval_excludes_zero()
    {
        Assert.True(Differences.Shares(56, 70, 48, 80)!.Clear);
        Assert.False(Differences.Shares(5, 56, 0, 29)!.Clear);
        Assert.True(Differences.Shares(48, 80, 56, 70)!.Clear);
        Assert.Null(Differences.Shares(1, 0, 1, 2));
    }

    [Fact]
    public void Welch_interval_of_two_answer_distributions_matches_R()
    {
        // x: 3, 5, 10, 7, 5 answers of 1–5 (n = 30); y: 6, 8, 6, 3, 2 (n = 25). R: t.test(x, y) gives df = 51.011,
        // 0.055389–1.384611; with df rounded down to 51, mean(x) − mean(y) ± qt(0.975, 51)·se = 0.05538545–1.38461455.
        var difference = Differences.Means([3, 5, 10, 7, 5], [6, 8, 6, 3, 2], 1)!;
        Assert.Equal(0.72, difference.Value, 10);
        Assert.Equal(0.05538545, difference.Low, 1e-7);
        Assert.Equal(1.38461455, difference.High, 1e-7);
        Assert.True(difference.Clear);
    }

    [Fact]
    public void Welch_interval_needs_two_values_on_each_side() =>
        Assert.Null(Differences.Means([1, 0, 0, 0, 0], [2, 3, 0, 0, 0], 1));
}
