namespace ModelGate.Core.Spectral;

/// <summary>The thresholds every report sweeps, as in the paper's figures: ε = 0.1, 0.2, …, 0.9.</summary>
public static class EpsilonSweep
{
    public static IReadOnlyList<double> Thresholds { get; } = Enumerable.Range(1, 9).Select(i => i / 10.0).ToArray();

    public static IReadOnlyList<int> Count(IReadOnlyList<double> maxCosines) =>
        Thresholds.Select(eps => maxCosines.Count(c => c < eps)).ToArray();
}
