namespace ModelGate.Demo.Study;

/// <summary>
/// One row of the study: what was trained (<see cref="Kind"/> and the knobs that apply to it, null otherwise) and its
/// <see cref="Measurement"/> against the base. <see cref="Folder"/> is the adapter or model folder, relative to the grid's work folder.
/// </summary>
public sealed record StudyRun
{
    public required string Name { get; init; }
    public required StudyRunKind Kind { get; init; }
    public required string Folder { get; init; }
    public int? Rank { get; init; }
    public double? LearningRate { get; init; }
    public ulong? Seed { get; init; }

    /// <summary>Chain: the 1-based task; the measurement is of tasks 1..Step merged (cumulative).</summary>
    public int? Step { get; init; }

    /// <summary>Chain: intruders of this task against the weights after the previous one (the lineage's "new").</summary>
    public int? NewIntruders { get; init; }

    /// <summary>Repair: the scale applied to the intruders' singular values.</summary>
    public double? Lambda { get; init; }

    public required RunMeasurement Measurement { get; init; }
}
