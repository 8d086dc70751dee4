using ModelGate.Demo;

namespace ModelGate.Cli.Benchmarking;

/// <summary>What <c>bench --model</c> measures: the model's shape, how much of it, and where its files live.</summary>
public sealed record ModelBenchmarkSettings
{
    public required RealModelShape Shape { get; init; }

    /// <summary>Decoder layers built and measured; the table projects to the model's full depth from these.</summary>
    public required int Layers { get; init; }

    /// <summary>Layers the paper's full-SVD method runs on (it is the slow one); projected to <see cref="Layers"/> and to the full depth.</summary>
    public required int FullSvdLayers { get; init; }

    /// <summary>0: shards as the hub has them; n: n shards.</summary>
    public int Shards { get; init; }

    /// <summary>Where the model, adapter, caches and outputs go; a model already there (same shape and seed) is reused.</summary>
    public required string Folder { get; init; }

    public bool Forgetting { get; init; } = true;

    /// <summary>A writable remote registry location (az://, https blob URL) to stream the warm gate from; null: none.</summary>
    public string? Registry { get; init; }
}
