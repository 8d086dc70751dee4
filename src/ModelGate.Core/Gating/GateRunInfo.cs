using ModelGate.Core.Registries;

namespace ModelGate.Core.Gating;

/// <summary>Run metadata for the report and the verdict's <c>run</c> object: what ran, on what, for how long.</summary>
public sealed record GateRunInfo
{
    /// <summary>"ModelGate x.y.z".</summary>
    public required string Tool { get; init; }

    /// <summary>The base as resolved; its <see cref="ResolvedModel.ContentHash"/> is set when the weights were hashed.</summary>
    public required ResolvedModel BaseModel { get; init; }

    /// <summary>The adapters as resolved, in order, hashed like <see cref="BaseModel"/>.</summary>
    public required IReadOnlyList<ResolvedModel> Adapters { get; init; }

    /// <summary>The policy's source: its file path, or the built-in default.</summary>
    public required string Policy { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>From the start of the run to the verdict (reports are written after).</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Named phases (baseline, analysis, forgetting, hashing) and how long each took.</summary>
    public IReadOnlyList<(string Phase, TimeSpan Elapsed)> Timings { get; init; } = [];

    /// <summary>SHA-256 of the base's weight files; null when hashing was off.</summary>
    public ModelFingerprint? BaseFingerprint { get; init; }

    /// <summary>SHA-256 of each adapter's weight files, in adapter order; empty when hashing was off.</summary>
    public IReadOnlyList<ModelFingerprint> AdapterFingerprints { get; init; } = [];
}
