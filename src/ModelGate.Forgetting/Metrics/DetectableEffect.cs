namespace ModelGate.Forgetting.Metrics;

/// <summary>
/// How small a change the data can see: the minimum detectable effect of a paired comparison,
/// MDE = (z_{1−α/2} + z_{power}) · SE ≈ 2.8 · sd / √n at two-sided α = 0.05 and power 0.8, from the per-unit paired
/// deltas. A true |Δ| of the MDE would be found significant four times in five; a smaller one mostly not.
/// </summary>
public static class DetectableEffect
{
    /// <summary>z_{0.975} + z_{0.8} = 1.959964 + 0.841621.</summary>
    public const double Multiplier = 1.959964 + 0.841621;

    /// <summary>
    /// <paramref name="deltas"/> per unit in the metric's unit, <paramref name="weights"/> the unit's share of the
    /// statistic (tokens, words or bytes for a corpus ratio, 1 per item). SE is the ratio estimator's,
    /// √(n/(n−1) · Σ w²(δ − δ̄)²) / Σ w with δ̄ the weighted mean, which for equal weights is sd / √n.
    /// Null with fewer than two units or deltas that do not vary: there is then no estimate of the noise.
    /// </summary>
    public static double? Minimum(IReadOnlyList<double> deltas, IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        ArgumentNullException.ThrowIfNull(weights);
        var n = deltas.Count;
        if (n < 2)
        {
            return null;
        }

        double total = 0, weighted = 0;
        for (var i = 0; i < n; i++)
        {
            total += weights[i];
            weighted += weights[i] * deltas[i];
        }

        var mean = weighted / total;
        double squares = 0;
        for (var i = 0; i < n; i++)
        {
            var d = weights[i] * (deltas[i] - mean);
            squares += d * d;
        }

        var se = Math.Sqrt(n / (n - 1.0) * squares) / total;
        return se > 0 && double.IsFinite(se) ? Multiplier * se : null;
    }
}
