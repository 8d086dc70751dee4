using ModelGate.Core.Forgetting;

namespace ModelGate.Forgetting.Metrics;

/// <summary>Rows scored so far out of all, and the throughput of the passes behind them.</summary>
public sealed record ScoringProgress(int Completed, int Total, ScoringThroughput Throughput);
