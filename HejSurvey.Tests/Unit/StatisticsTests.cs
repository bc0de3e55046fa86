using HejSurvey.Web.OpenResults;

namespace HejSurvey.Tests.Unit;

/// <summary>Intervals against hand computation (z = 1.959964; t quantiles from printed tables).</summary>
public sealed class StatisticsTests
{
    [Theory]
    [InlineData(1, 12.706205)]
    [InlineData(2, 4.302653)]
    [InlineData(3, 3.182446)]
    [InlineData(4, 2.776445)]
    [InlineData(9, 2.262157)]
    [InlineData(29, 2.045230)]
    [InlineData(120, 1.979930)]
    [InlineData(1000, 1.962339)]
    [InlineData(1001, 1.962337)]
    [InlineData(999_999, 1.959966)]
    public void T_quantile_matches_the_table(long degreesOfFreedom, double expected) =>
        Assert.Equal(expected, Statistics.TQuantile95(degreesOfFreedom), 6);

    [Fact]
    public void Wilson_interval_of_8_out_of_10()
    {
        // p = 0.8; centre = (p + z²/2n) / (1 + z²/n) = 0.716741; half = z/(1 + z²/n) · √(p(1−p)/n + z²/4n²) = 0.226578
        var share = Statistics.Share(8, 10)!;
        Assert.Equal(0.8, share.Value, 10);
        Assert.Equal(0.490162, share.Low!.Value, 6);
        Assert.Equal(0.943318, share.High!.Value, 6);
    }

    [Fact]
    public void Wilson_interval_stays_inside_0_and_1_at_the_edges()
    {
        var none = Statistics.Share(0, 10)!;
        Assert.Equal((0.0, 0.0, 0.277533), (none.Value, none.Low!.Value, Math.Round(none.High!.Value, 6)));
        var all = Statistics.Share(10, 10)!;
        Assert.Equal((1.0, 0.722467, 1.0), (all.Value, Math.Round(all.Low!.Value, 6), Math.Round(all.High!.Value, 6)));
        Assert.Null(Statistics.Share(0, 0));
    }

    [Fact]
    public void Mean_and_t_interval_from_counts_per_value()
    {
        // 1, 2, 2, 3, 3, 3, 4, 4, 5, 5: mean 3.2, s² = 15.6/9 = 1.733333, se = 0.416333, t(9) = 2.262157
        var mean = Statistics.Mean(new Dictionary<int, long> { [1] = 1, [2] = 2, [3] = 3, [4] = 2, [5] = 2 }, 1, 5)!;
        Assert.Equal(3.2, mean.Value, 10);
        Assert.Equal(2.258189, mean.Low!.Value, 6);
        Assert.Equal(4.141811, mean.High!.Value, 6);
    }

    [Fact]
    public void Mean_of_a_theme_index_from_n_sum_and_sum_of_squares()
    {
        // indices 25, 50, 50, 75, 100: sum 300, sum of squares 21250; mean 60, s² = 812.5, se = 12.747549, t(4) = 2.776445
        var index = Statistics.Mean(5, 300, 21250, 0, 100)!;
        Assert.Equal(60, index.Value, 10);
        Assert.Equal(24.607131, index.Low!.Value, 6);
        Assert.Equal(95.392869, index.High!.Value, 6);
    }

    [Fact]
    public void The_interval_is_cut_at_the_ends_of_the_scale()
    {
        // 1 and 5: mean 3, s = 2.828427, se = 2, t(1) = 12.706: 3 ± 25.4 would run far outside 1–5.
        var mean = Statistics.Mean(new Dictionary<int, long> { [1] = 1, [5] = 1 }, 1, 5)!;
        Assert.Equal((3.0, 1.0, 5.0), (mean.Value, mean.Low!.Value, mean.High!.Value));
    }

    [Fact]
    public void One_answer_has_a_mean_but_no_interval_and_none_has_no_mean()
    {
        var one = Statistics.Mean(new Dictionary<int, long> { [4] = 1 }, 1, 5)!;
        Assert.Equal(4, one.Value);
        Assert.Null(one.Low);
        Assert.Null(one.High);
        Assert.Null(Statistics.Mean(0, 0, 0, 1, 5));
    }

    [Fact]
    public void Identical_answers_have_a_zero_width_interval()
    {
        var mean = Statistics.Mean(new Dictionary<int, long> { [4] = 1000 }, 1, 5)!;
        Assert.Equal((4.0, 4.0, 4.0), (mean.Value, mean.Low!.Value, mean.High!.Value));
    }
}
