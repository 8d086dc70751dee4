using ModelGate.Core.Forgetting;
using ModelGate.Core.Gating;
using ModelGate.Core.Registries;
using ModelGate.Core.Spectral;

namespace ModelGate.Core.Calibration;

/// <summary>One calibration: a base, the adapters to measure against it (each on its own), and the policy whose forgetting levels say what "forgets" means.</summary>
public sealed record CalibrationRequest
{
    public required ResolvedModel BaseModel { get; init; }

    /// <summary>Past releases or a training grid; each is analysed and measured merged alone into the base.</summary>
    public required IReadOnlyList<ResolvedModel> Adapters { get; init; }

    /// <summary>The policy to start from; its <c>forgetting</c> section names the corpus and tasks and holds the fail levels.</summary>
    public GatePolicy Policy { get; init; } = GatePolicyLoader.Default;

    /// <summary>The analysis settings (k, ε, method, cache, published spectra), as <c>analyze</c> takes them.</summary>
    public required AnalysisSettings AnalysisSettings { get; init; }

    /// <summary>auto, cpu, cuda or cuda:N.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>The policy's forgetting data a front end fetched from a registry (<see cref="GateRequest.FetchedData"/>).</summary>
    public IReadOnlyDictionary<string, ResolvedDataset> FetchedData { get; init; } = new Dictionary<string, ResolvedDataset>();
}
