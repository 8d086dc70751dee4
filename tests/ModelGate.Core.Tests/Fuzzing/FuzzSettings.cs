using System.Globalization;

namespace ModelGate.Core.Tests.Fuzzing;

/// <summary>
/// How long and how hard to fuzz. A plain test run does a fixed number of executions from a fixed seed, so CI is
/// deterministic and bounded; <c>MODELGATE_FUZZ_SECONDS</c> runs each target for that long instead (from a fresh
/// seed unless <c>MODELGATE_FUZZ_SEED</c> is set), and <c>MODELGATE_FUZZ_SAVE=1</c> keeps every input that reached
/// a new message in the corpus folder of the checkout (and drops kept inputs whose message another, smaller one has).
/// </summary>
internal sealed record FuzzSettings(ulong Seed, int Iterations, TimeSpan? Duration, bool SaveNewInputs)
{
    public const ulong DefaultSeed = 0x5EED_F022;

    /// <summary>Past this an input counts as a hang: the parsers read files of a few kilobytes.</summary>
    public TimeSpan InputTimeLimit { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Past this an input counts as a memory blow-up: inputs are at most <see cref="MaxInputLength"/> bytes.</summary>
    public long AllocationLimit { get; init; } = 64L << 20;

    public int MaxInputLength { get; init; } = 64 << 10;

    public static FuzzSettings FromEnvironment(int iterations)
    {
        var seconds = Environment.GetEnvironmentVariable("MODELGATE_FUZZ_SECONDS");
        var seed = Environment.GetEnvironmentVariable("MODELGATE_FUZZ_SEED");
        var save = Environment.GetEnvironmentVariable("MODELGATE_FUZZ_SAVE") == "1";
        TimeSpan? duration = string.IsNullOrEmpty(seconds) ? null : TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture));
        var chosenSeed = !string.IsNullOrEmpty(seed) ? ulong.Parse(seed, CultureInfo.InvariantCulture)
            : duration is null ? DefaultSeed
            : (ulong)DateTime.UtcNow.Ticks;
        return new FuzzSettings(chosenSeed, iterations, duration, save);
    }
}
