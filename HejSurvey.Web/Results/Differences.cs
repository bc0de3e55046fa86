namespace HejSurvey.Web.OpenResults;

/// <summary>
/// A change between two independent groups or rounds with its 95 % interval: percentage points for shares, points on
/// the scale or index for means. <see cref="Clear"/> when the interval excludes zero, so that the change is more than
/// chance would plausibly give.
/// </summary>
public sealed record Difference(double Value, double Low, double High)
{
    public bool Clear => Low > 0 || High < 0;
}

/// <summary>Intervals for the difference of two independent estimates, for comparisons between rounds and groups.</summary>
public static class Differences
{
    /// <summary>
    /// p₁ − p₂ with Newcombe's hybrid score interval (Newcombe 1998, method 10): each share's Wilson interval is
    /// combined rather than a single standard error, which keeps the coverage near 95 % for small n and for shares
    /// near 0 or 1, where the textbook p₁ − p₂ ± z·se is far off. Null when either n is 0.
    /// </summary>
    public static Difference? Shares(long hits1, long n1, long hits2, long n2)
    {
        if (Statistics.Share(hits1, n1) is not { Low: { } l1, High: { } u1 } a || Statistics.Share(hits2, n2) is not { Low: { } l2, High: { } u2 } b)
        {
            return null;
        }
        var d = a.Value - b.Value;
        var below = Math.Sqrt(Square(a.Value - l1) + Square(u2 - b.Value));
        var above = Math.Sqrt(Square(u1 - a.Value) + Square(b.Value - l2));
        return new Difference(d, d - below, d + above);
    }

    /// <summary>
    /// m₁ − m₂ with a Welch-type t interval: the groups' variances are not taken to be equal, and the degrees of
    /// freedom are Welch–Satterthwaite's, rounded down (so the interval is, if anything, a hair wider). Null when either
    /// group has fewer than two values.
    /// </summary>
    public static Difference? Means(long n1, double mean1, double variance1, long n2, double mean2, double variance2)
    {
        if (n1 < 2 || n2 < 2)
        {
            return null;
        }
        var v1 = variance1 / n1;
        var v2 = variance2 / n2;
        var d = mean1 - mean2;
        var se = Math.Sqrt(v1 + v2);
        if (se == 0)
        {
            return new Difference(d, d, d);
        }
        var df = Square(v1 + v2) / ((v1 * v1 / (n1 - 1)) + (v2 * v2 / (n2 - 1)));
        var half = Statistics.TQuantile95(Math.Max(1, (long)Math.Floor(df))) * se;
        return new Difference(d, d - half, d + half);
    }

    /// <summary>The means of two answer distributions (counts per scale value, value 1 first) compared by <see cref="Means(long, double, double, long, double, double)"/>.</summary>
    public static Difference? Means(IReadOnlyList<long> counts1, IReadOnlyList<long> counts2, int firstValue)
    {
        var (n1, m1, s1) = Moments(counts1, firstValue);
        var (n2, m2, s2) = Moments(counts2, firstValue);
        return Means(n1, m1, s1, n2, m2, s2);
    }

    /// <summary>n, mean and sample variance of values given as counts.</summary>
    public static (long N, double Mean, double Variance) Moments(IReadOnlyList<long> counts, int firstValue)
    {
        long n = 0;
        double sum = 0, squares = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            double value = firstValue + i;
            n += counts[i];
            sum += value * counts[i];
            squares += value * value * counts[i];
        }
        if (n == 0)
        {
            return (0, 0, 0);
        }
        var mean = sum / n;
        return (n, mean, n < 2 ? 0 : Math.Max(0, (squares - (sum * mean)) / (n - 1)));
    }

    private static double Square(double x) => x * x;
}
