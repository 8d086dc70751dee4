using System.Globalization;

namespace ModelGate.Core.Gating;

/// <summary>
/// Whether a forgetting measurement could have seen the policy's fail level at all. When the minimum detectable
/// effect of its data is above that level, a pass means "too little data to tell", not "no forgetting", and the
/// reader is told so.
/// </summary>
public static class ForgettingSensitivity
{
    public static IReadOnlyList<string> Warnings(ForgettingPolicy policy, IReadOnlyList<ForgettingObservation> observations)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var inv = CultureInfo.InvariantCulture;
        return observations
            .Select(o => (o, Fail: policy.ThresholdFor(o.Metric)?.Fail))
            .Where(x => x.Fail is { } fail && x.o.MinimumDetectableEffect is { } mde && mde > fail)
            .Select(x => $"{x.o.Metric} on {x.o.Dataset}: the data can only detect a change of about {x.o.MinimumDetectableEffect!.Value.ToString("0.###", inv)} " +
                         $"or more (α 0.05, power 0.8), more than the fail level {x.Fail!.Value.ToString(inv)}; a pass there does not show the " +
                         "forgetting is below that level: measure on more text or items")
            .ToArray();
    }
}
