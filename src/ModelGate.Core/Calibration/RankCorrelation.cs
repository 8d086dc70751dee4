namespace ModelGate.Core.Calibration;

/// <summary>
/// Spearman's rank correlation of two paired samples (ties get their average rank) with a 95 % interval from the
/// Fisher z transform, using the standard error 1.06 / √(n − 3) of Fieller, Hartley and Pearson (1957) for Spearman's
/// ρ. The interval is closed-form, so it needs no seed and a rerun gives the same numbers.
/// </summary>
/// <param name="Rho">ρ; null when either sample is constant (ranks carry no order) or there are fewer than two pairs.</param>
/// <param name="Low">Lower end of the 95 % interval; null with fewer than four pairs.</param>
/// <param name="High">Upper end of the 95 % interval; null with fewer than four pairs.</param>
/// <param name="Count">How many pairs.</param>
public sealed record RankCorrelation(double? Rho, double? Low, double? High, int Count)
{
    private const double Z975 = 1.959963984540054;

    public static RankCorrelation Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"{x.Count} values against {y.Count}", nameof(y));
        }

        var n = x.Count;
        var rho = n < 2 ? null : Pearson(Ranks(x), Ranks(y));
        if (rho is not { } r || n < 4)
        {
            return new RankCorrelation(rho, null, null, n);
        }

        var z = Math.Atanh(Math.Clamp(r, -1 + 1e-15, 1 - 1e-15));
        var half = Z975 * 1.06 / Math.Sqrt(n - 3);
        return new RankCorrelation(r, Math.Tanh(z - half), Math.Tanh(z + half), n);
    }

    private static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]])
            {
                end++;
            }

            var average = ((start + end) / 2.0) + 1;
            for (var k = start; k <= end; k++)
            {
                ranks[order[k]] = average;
            }

            start = end + 1;
        }

        return ranks;
    }

    private static double? Pearson(double[] a, double[] b)
    {
        var ma = a.Average();
        var mb = b.Average();
        double sab = 0, saa = 0, sbb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }

        return saa == 0 || sbb == 0 ? null : sab / Math.Sqrt(saa * sbb);
    }
}
