using ModelGate.Core.Errors;

namespace ModelGate.Core.Spectral;

/// <summary>What the analysis counts; validated once, before any work, naming the value in the domain's words (front ends name it their way).</summary>
public sealed record AnalysisSettings
{
    /// <summary>How many top tuned singular vectors are compared with the base's.</summary>
    public int K { get; init; } = AnalysisDefaults.K;

    /// <summary>The threshold on the max |cosine| below which a tuned direction is an intruder.</summary>
    public double Epsilon { get; init; } = AnalysisDefaults.Epsilon;

    /// <summary>A regular expression searched in base tensor names; only matching weights are analysed.</summary>
    public string? Modules { get; init; }

    /// <summary><see cref="AnalysisMethod.Auto"/> (cached base spectra, low-rank or Krylov per module) or <see cref="AnalysisMethod.FullSvd"/>.</summary>
    public string Method { get; init; } = AnalysisMethod.Auto;

    /// <summary>The iterative paths stop when every top-k triplet has ‖M·v − σ·u‖ ≤ Tolerance·σ₁.</summary>
    public double Tolerance { get; init; } = AnalysisDefaults.Tolerance;

    /// <summary>The cache folder for base spectra; null: MODELGATE_CACHE, else the user's cache folder.</summary>
    public string? CacheFolder { get; init; }

    /// <summary>How base spectra are stored; F16/BF16 halve the disk, with counts unchanged and cosines within 1e-3 on real shapes (docs/benchmarks.md).</summary>
    public Cache.SpectrumPrecision CachePrecision { get; init; } = Cache.SpectrumPrecision.F32;

    /// <summary>
    /// A published spectra location (<c>--spectra</c>: az://, https blob URL, file://, a folder) read when the local
    /// cache misses, before computing; null: none.
    /// </summary>
    public string? Spectra { get; init; }

    /// <summary>Analyse only this shard's modules (<see cref="Sharding.ShardPlanner"/>); null: all of them.</summary>
    public Sharding.AnalysisShard? Shard { get; init; }

    public void Validate()
    {
        if (K < 1)
        {
            throw new UserInputException(InputField.K, $"must be a positive integer, got {K}");
        }

        if (!(Epsilon > 0 && Epsilon < 1))
        {
            throw new UserInputException(InputField.Epsilon, $"must be between 0 and 1 (exclusive), got {Epsilon}");
        }

        if (Method is not (AnalysisMethod.Auto or AnalysisMethod.FullSvd))
        {
            throw new UserInputException(InputField.Method, $"must be one of {string.Join(", ", AnalysisMethod.Choices)}, got '{Method}'");
        }

        if (!(Tolerance > 0 && Tolerance < 1e-2))
        {
            throw new UserInputException(InputField.Tolerance, $"must be above 0 and below 0.01, got {Tolerance}");
        }

        _ = ModuleFilter();
    }

    public UserRegex? ModuleFilter()
    {
        if (string.IsNullOrEmpty(Modules))
        {
            return null;
        }

        try
        {
            return new UserRegex(Modules, InputField.Modules.Words);
        }
        catch (ArgumentException e)
        {
            throw new UserInputException(InputField.Modules, $"is not a valid regular expression: {e.Message}");
        }
    }
}
