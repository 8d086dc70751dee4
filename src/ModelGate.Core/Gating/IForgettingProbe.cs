using ModelGate.Core.Registries;

namespace ModelGate.Core.Gating;

/// <summary>
/// Measures forgetting of the merged model against the base for the gate. Optional: when none is registered and the
/// policy asks for forgetting measurements, the gate stops with a user error instead of passing silently.
/// </summary>
public interface IForgettingProbe
{
    Task<IReadOnlyList<ForgettingObservation>> MeasureAsync(GateRequest request, ForgettingPolicy policy,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken);

    /// <summary>
    /// Each of <paramref name="alternatives"/> (an adapter stack merged in place of the request's adapters) against the
    /// same base: one list of observations per alternative, in order. A probe that can score the base once for all of
    /// them does; this default measures each on its own.
    /// </summary>
    async Task<IReadOnlyList<IReadOnlyList<ForgettingObservation>>> MeasureEachAsync(GateRequest request, IReadOnlyList<IReadOnlyList<ResolvedModel>> alternatives,
        ForgettingPolicy policy, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(alternatives);
        var measured = new List<IReadOnlyList<ForgettingObservation>>(alternatives.Count);
        foreach (var adapters in alternatives)
        {
            measured.Add(await MeasureAsync(request with { Adapters = adapters }, policy, progress, cancellationToken).ConfigureAwait(false));
        }

        return measured;
    }
}
