namespace ModelGate.Forgetting.Metrics;

/// <summary>
/// Percentile interval of a paired statistic: the same resampled documents (or items) for the base and the merged
/// model, so their shared difficulty cancels and only the change is uncertain. Seeded, so a run is repeatable.
/// </summary>
public static class PairedBootstrap
{
    /// <summary>
    /// <paramref name="statistic"/> gets, per resample, how many times each of the <paramref name="units"/> was drawn.
    /// With no resamples (or fewer than two units) the interval is the point value itself.
    /// </summary>
    public static (double Low, double High) Interval(int units, Func<int[], double> statistic, int samples, int seed, double confidence = 0.95)
    {
        var all = new int[units];
        Array.Fill(all, 1);
        var point = statistic(all);
        if (samples <= 0 || units < 2)
        {
            return (point, point);
        }

        var random = new Random(seed);
        var counts = new int[units];
        var values = new double[samples];
        for (var s = 0; s < samples; s++)
        {
            Array.Clear(counts);
            for (var i = 0; i < units; i++)
            {
                counts[random.Next(units)]++;
            }

            values[s] = statistic(counts);
        }

        Array.Sort(values);
        var tail = (1 - confidence) / 2;
        return (Percentile(values, tail), Percentile(values, 1 - tail));
    }

    /// <summary>Linear interpolation between order statistics (numpy's default percentile).</summary>
    internal static double Percentile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }
}
