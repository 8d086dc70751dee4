namespace ModelGate.Core.Calibration;

/// <summary>
/// Fits one integer level t to a count so that "count above t" predicts forgetting with the fewest misclassified
/// adapters. Every t from 0 to the largest count is tried. Ties go to fewer wrongly passed adapters, then to the
/// lowest t: the strictest level the data supports, since a missed forgetter costs more than an extra benchmark run.
/// A best level that blocks no adapter predicts nothing and is not fitted.
/// </summary>
public static class DecisionStump
{
    public static FittedThreshold Fit(IReadOnlyList<int> counts, IReadOnlyList<bool> forgets)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(forgets);
        if (counts.Count != forgets.Count)
        {
            throw new ArgumentException($"{counts.Count} counts but {forgets.Count} labels", nameof(forgets));
        }

        if (counts.Count == 0)
        {
            return new FittedThreshold(null, 0, 0) { Reason = "no adapters" };
        }

        var max = counts.Max();
        (int Level, int Passed, int Blocked) best = (-1, int.MaxValue, int.MaxValue);
        for (var t = 0; t <= max; t++)
        {
            var passed = 0;
            var blocked = 0;
            for (var i = 0; i < counts.Count; i++)
            {
                var above = counts[i] > t;
                passed += forgets[i] && !above ? 1 : 0;
                blocked += !forgets[i] && above ? 1 : 0;
            }

            var errors = passed + blocked;
            var bestErrors = best.Passed == int.MaxValue ? int.MaxValue : best.Passed + best.Blocked;
            if (errors < bestErrors || (errors == bestErrors && passed < best.Passed))
            {
                best = (t, passed, blocked);
            }
        }

        return best.Level >= max
            ? new FittedThreshold(null, best.Passed, best.Blocked) { Reason = "no level predicts forgetting better than passing every adapter" }
            : new FittedThreshold(best.Level, best.Passed, best.Blocked);
    }
}
