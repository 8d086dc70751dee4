namespace ModelGate.Demo;

/// <summary>What a generated adapter does to one module.</summary>
public enum PlantedUpdate
{
    /// <summary>Adds new directions far from every base singular vector, above the base spectrum: intruders by construction.</summary>
    Intruders,

    /// <summary>Rescales the base's own top singular directions: large change, no intruder.</summary>
    Aligned,

    /// <summary>A small random B·A, as early in training: no planted structure.</summary>
    Random,
}
