namespace ModelGate.Core.Spectral;

/// <summary>One line of the path benchmark: the same matrix and update through both paths.</summary>
public sealed record PathBenchmarkRow(long Rows, long Cols, int Rank, TimeSpan FullSvd, TimeSpan LowRankWarm, TimeSpan CacheBuild,
    int FullSvdIntruders, int LowRankIntruders, double MaxCosineDifference, double RelativeResidual)
{
    public double Speedup => FullSvd / LowRankWarm;

    public bool CountsAgree => FullSvdIntruders == LowRankIntruders;
}
