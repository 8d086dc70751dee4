namespace ModelGate.Core.Repair;

/// <summary>What mitigation did to one module: which intruders it scaled, by how much, and the adapter rank it took.</summary>
public sealed record ModuleMitigation(
    string ModulePath,
    string Tensor,
    int Intruders,
    IReadOnlyList<int> IntruderRanks,
    IReadOnlyList<double> SingularValues,
    double Lambda,
    int RankBefore,
    int RankAfter)
{
    public bool Changed => RankAfter != RankBefore;
}
