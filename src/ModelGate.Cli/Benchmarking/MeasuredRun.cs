namespace ModelGate.Cli.Benchmarking;

/// <summary>One child process as the benchmark saw it: wall time from start to exit and its peak resident memory.</summary>
public sealed record MeasuredRun(string Title, TimeSpan Elapsed, long PeakRssBytes, int ExitCode, string Output)
{
    public double Seconds => Elapsed.TotalSeconds;
}
