namespace ModelGate.Core.Spectral;

/// <summary>The paper's Algorithm 1 applied to one weight matrix.</summary>
public sealed record ModuleIntruders
{
    /// <summary>The base tensor's name, e.g. <c>model.layers.0.self_attn.q_proj.weight</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The transformer block, when the name has one.</summary>
    public int? Layer { get; init; }

    /// <summary>Rows × columns of the analysed (out × in) matrix.</summary>
    public required long[] Shape { get; init; }

    /// <summary>How many of the top-k tuned singular vectors have a max |cosine| below ε.</summary>
    public required int Intruders { get; init; }

    /// <summary>For each of the top-k tuned left singular vectors, its max |cosine| over all base left singular vectors.</summary>
    public required IReadOnlyList<double> MaxCosines { get; init; }

    /// <summary>The top-k singular values of the tuned matrix.</summary>
    public required IReadOnlyList<double> SingularValues { get; init; }

    /// <summary>The top-k singular values of the base matrix, for scale.</summary>
    public required IReadOnlyList<double> BaseSingularValues { get; init; }

    /// <summary>Intruder counts at ε = 0.1 … 0.9 (<see cref="EpsilonSweep.Thresholds"/>).</summary>
    public required IReadOnlyList<int> SweepCounts { get; init; }

    /// <summary>How the tuned spectrum was computed: full-svd, low-rank or krylov (see <see cref="AnalysisMethod"/>).</summary>
    public string Method { get; init; } = "full-svd";

    /// <summary>max ‖M·vᵢ − σᵢ·uᵢ‖ / σ₁ over the top-k triplets the iterative paths reached; 0 for a full SVD.</summary>
    public double RelativeResidual { get; init; }

    /// <summary>The content key of the base tensor it was computed from (<see cref="Cache.SpectrumKey"/>); null when not recorded.</summary>
    public string? BaseKey { get; init; }

    /// <summary>Zero-based ranks (in the tuned spectrum) of the intruders.</summary>
    public IReadOnlyList<int> IntruderRanks { get; init; } = [];
}
