namespace ModelGate.Core.Calibration;

/// <summary>
/// One intruder count's fitted level and how it does on the calibration set. A count above <see cref="Level"/>
/// predicts forgetting (the gate's "above the level" reading); null when no level separates the adapters better than
/// predicting that none forgets.
/// </summary>
/// <param name="Level">The fitted level, or null (<see cref="Reason"/> says why).</param>
/// <param name="WronglyPassed">Adapters that forget but whose count is not above the level.</param>
/// <param name="WronglyBlocked">Adapters that do not forget but whose count is above the level.</param>
public sealed record FittedThreshold(int? Level, int WronglyPassed, int WronglyBlocked)
{
    /// <summary>Why <see cref="Level"/> is null; null when a level was fitted.</summary>
    public string? Reason { get; init; }
}
