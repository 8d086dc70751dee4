using ModelGate.Core.Forgetting;

namespace ModelGate.Forgetting.Metrics;

/// <summary>
/// Percentile interval of a paired statistic: the same resampled units (documents, token blocks or items) for the
/// base and the merged model, so their shared difficulty cancels and only the change is uncertain. Seeded, so a run
/// is repeatable.
/// </summary>
public static class PairedBootstrap
{
    /// <summary>
    /// <paramref name="statistic"/> gets, per resample, how many times each of the <paramref name="units"/> was drawn.
    /// No resamples, one unit, or resamples that all agree give no interval (with the reason), never a zero-width one.
    /// </summary>
    public static BootstrapInterval Interval(int units, Func<int[], double> statistic, int samples, int seed, double confidence = 0.95)
    {
        if (samples <= 0)
        {
            return BootstrapInterval.None("no resamples were asked for");
        }

        if (units < 2)
        {
            return BootstrapInterval.None("a single unit cannot be resampled");
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
        var (low, high) = (Percentile(values, tail), Percentile(values, 1 - tail));
        return DeltaInterval.HasWidth(low, high)
            ? new BootstrapInterval(low, high, null)
            : BootstrapInterval.None("zero width: the resampled deltas did not vary");
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
