namespace ModelGate.Core.Spectral.Sharding;

/// <summary>
/// What a shard's analysis was computed from, so that a gate combining shards can refuse parts that do not belong
/// together: which shard, the full module list it was cut from, and the adapters' weights. The base is named per
/// module by the content key of its tensor (<see cref="ModuleIntruders.BaseKey"/>).
/// </summary>
/// <param name="Shard">Which shard of how many.</param>
/// <param name="TotalModules">How many modules the full list (all shards together) has.</param>
/// <param name="ModulesDigest">The full list's <see cref="ShardPlanner.Digest"/>.</param>
/// <param name="AdapterSha256">Each adapter's weights (<see cref="Gating.ModelFingerprint.Sha256"/>), in merge order.</param>
public sealed record ShardProvenance(AnalysisShard Shard, int TotalModules, string ModulesDigest, IReadOnlyList<string> AdapterSha256);
