using System.Collections.Concurrent;

namespace HejSurvey.Web.OpenResults;

/// <summary>A figure with its 95 % interval: a share (0–1), a mean on the scale (1–5) or an index (0–100).</summary>
public sealed record Estimate(double Value, double? Low, double? High);

/// <summary>95 % intervals: Wilson for shares, Student's t for means.</summary>
public static class Statistics
{
    /// <summary>The normal quantile for a two-sided 95 % interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>Solved quantiles for small df (at most 1000 entries); larger df use a cheap closed form.</summary>
    private static readonly ConcurrentDictionary<int, double> TQuantiles = new();

    /// <summary>
    /// The share of <paramref name="n"/> with its Wilson score interval, which stays inside 0–1 and behaves
    /// at small n and at shares near 0 or 1, where the textbook p ± z·se does not. Null when n is 0.
    /// </summary>
    public static Estimate? Share(long hits, long n)
    {
        if (n <= 0)
        {
            return null;
        }
        var p = (double)hits / n;
        var z2 = Z95 * Z95;
        var denominator = 1 + (z2 / n);
        var centre = (p + (z2 / (2.0 * n))) / denominator;
        var half = Z95 / denominator * Math.Sqrt((p * (1 - p) / n) + (z2 / (4.0 * n * n)));
        return new Estimate(p, Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>
    /// The mean with its t interval from n, the sum and the sum of squares; no interval below two values.
    /// The interval is cut at the ends of the scale (<paramref name="min"/>, <paramref name="max"/>): a mean
    /// of 1–5 answers cannot lie outside 1–5, however few the answers.
    /// </summary>
    public static Estimate? Mean(long n, double sum, double sumOfSquares, double min, double max)
    {
        if (n <= 0)
        {
            return null;
        }
        var mean = sum / n;
        if (n == 1)
        {
            return new Estimate(mean, null, null);
        }
        // Rounding can make a zero variance a hair negative.
        var variance = Math.Max(0, (sumOfSquares - (sum * mean)) / (n - 1));
        var half = TQuantile95(n - 1) * Math.Sqrt(variance / n);
        return new Estimate(mean, Math.Max(min, mean - half), Math.Min(max, mean + half));
    }

    /// <summary>The mean of values given as counts per value (value → how many gave it), with its t interval cut at min and max.</summary>
    public static Estimate? Mean(IEnumerable<KeyValuePair<int, long>> counts, double min, double max)
    {
        long n = 0;
        double sum = 0, squares = 0;
        foreach (var (value, count) in counts)
        {
            n += count;
            sum += (double)value * count;
            squares += (double)value * value * count;
        }
        return Mean(n, sum, squares, min, max);
    }

    /// <summary>The 97.5 % quantile of Student's t with the given degrees of freedom (the factor of a two-sided 95 % interval).</summary>
    public static double TQuantile95(long degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreesOfFreedom, 1);
        return degreesOfFreedom <= 1000
            ? TQuantiles.GetOrAdd((int)degreesOfFreedom, static df => SolveTQuantile95(df))
            : CornishFisher95(degreesOfFreedom);
    }

    /// <summary>Finds t where P(|T| ≤ t) = 0.95 by bisection on the exact distribution function.</summary>
    private static double SolveTQuantile95(int df)
    {
        double low = 0, high = 20;
        for (var i = 0; i < 100; i++)
        {
            var middle = (low + high) / 2;
            if (CentralProbability(middle, df) < 0.95)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }
        return (low + high) / 2;
    }

    /// <summary>
    /// P(|T| ≤ t) for integer degrees of freedom, by the finite series of Abramowitz and Stegun 26.7.3 and
    /// 26.7.4 in θ = arctan(t/√df); exact, with no special functions needed.
    /// </summary>
    private static double CentralProbability(double t, int df)
    {
        var theta = Math.Atan(t / Math.Sqrt(df));
        var cos2 = Math.Cos(theta) * Math.Cos(theta);
        var sin = Math.Sin(theta);
        if (df % 2 == 0)
        {
            // sin θ · (1 + ½cos²θ + (1·3)/(2·4)cos⁴θ + … up to cos^(df−2)θ)
            double term = 1, total = 1;
            for (var k = 2; k <= df - 2; k += 2)
            {
                term *= (k - 1.0) / k * cos2;
                total += term;
            }
            return sin * total;
        }
        if (df == 1)
        {
            return 2 * theta / Math.PI;
        }
        // 2/π · (θ + sin θ · cos θ · (1 + (2/3)cos²θ + (2·4)/(3·5)cos⁴θ + … up to cos^(df−3)θ))
        double oddTerm = 1, oddTotal = 1;
        for (var k = 3; k <= df - 2; k += 2)
        {
            oddTerm *= (k - 1.0) / k * cos2;
            oddTotal += oddTerm;
        }
        return 2 / Math.PI * (theta + (sin * Math.Cos(theta) * oddTotal));
    }

    /// <summary>Large df: the Cornish–Fisher expansion around the normal quantile (Abramowitz and Stegun 26.7.5), exact to far below display precision.</summary>
    private static double CornishFisher95(long df)
    {
        var x = Z95;
        var x3 = x * x * x;
        var x5 = x3 * x * x;
        var x7 = x5 * x * x;
        var x9 = x7 * x * x;
        var g1 = (x3 + x) / 4;
        var g2 = ((5 * x5) + (16 * x3) + (3 * x)) / 96;
        var g3 = ((3 * x7) + (19 * x5) + (17 * x3) - (15 * x)) / 384;
        var g4 = ((79 * x9) + (776 * x7) + (1482 * x5) - (1920 * x3) - (945 * x)) / 92160;
        double v = df;
        return x + (g1 / v) + (g2 / (v * v)) + (g3 / (v * v * v)) + (g4 / (v * v * v * v));
    }
}
