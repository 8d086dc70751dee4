namespace ModelGate.Core.Gating;

/// <summary>
/// Measures forgetting of the merged model against the base for the gate. Optional: when none is registered and the
/// policy asks for forgetting measurements, the gate stops with a user error instead of passing silently.
/// </summary>
public interface IForgettingProbe
{
    Task<IReadOnlyList<ForgettingObservation>> MeasureAsync(GateRequest request, ForgettingPolicy policy,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken);
}
