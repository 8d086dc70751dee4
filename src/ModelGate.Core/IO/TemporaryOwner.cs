using System.Diagnostics;
using System.Globalization;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace ModelGate.Core.IO;

/// <summary>
/// The process that owns a temporary file or staging folder, written into its name (<see cref="Tag"/>: machine,
/// process id, start time), so a later run can tell what a killed process left behind from a live run's work in
/// progress and remove only the former. A process id alone is not enough: ids are reused, so the start time must
/// match too. Names from another machine (a shared network cache) are never judged: their processes are not ours to see.
/// </summary>
public sealed partial record TemporaryOwner(string Machine, int ProcessId, long StartedUnixSeconds)
{
    /// <summary>Start times are read through the OS clock, which can disagree by a fraction of a second between readers.</summary>
    private const long StartTimeToleranceSeconds = 2;

    /// <summary>This process.</summary>
    public static TemporaryOwner Current { get; } = CreateCurrent();

    /// <summary>What goes into a name: <c>machine-pid-start</c>.</summary>
    public string Tag => string.Create(CultureInfo.InvariantCulture, $"{Machine}-{ProcessId}-{StartedUnixSeconds}");

    /// <summary>
    /// Whether the owner is certainly gone: on this machine, and no process has its id, or one does but started at
    /// another time (the id was reused). Unknown is not gone.
    /// </summary>
    public bool IsGone =>
        Machine == Current.Machine && !IsRunning(ProcessId, StartedUnixSeconds);

    /// <summary>A unique temporary name beside <paramref name="path"/>, owned by this process: <c>path.tmp-machine-pid-start-random</c>.</summary>
    public static string TemporaryPathFor(string path) =>
        $"{path}.tmp-{Current.Tag}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";

    /// <summary>The owner a temporary name carries (<see cref="TemporaryPathFor"/>, a staging folder), or null for a name without one.</summary>
    public static TemporaryOwner? Find(string name)
    {
        var match = OwnedName().Match(Path.GetFileName(name));
        return match.Success
            && int.TryParse(match.Groups["pid"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && long.TryParse(match.Groups["start"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? new TemporaryOwner(match.Groups["machine"].Value, pid, start)
            : null;
    }

    /// <summary>Whether <paramref name="name"/> is a temporary whose owner is certainly gone.</summary>
    public static bool IsOrphan(string name) => Find(name)?.IsGone == true;

    /// <summary>Whether process <paramref name="processId"/> is the one that started at <paramref name="started"/>; unknown counts as yes.</summary>
    private static bool IsRunning(int processId, long started)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return Math.Abs(UnixSeconds(process) - started) <= StartTimeToleranceSeconds;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // Exited while we looked, or not ours to inspect: not provably gone, so its files are left alone.
            return true;
        }
    }

    private static long UnixSeconds(Process process) => new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeSeconds();

    private static TemporaryOwner CreateCurrent()
    {
        using var self = Process.GetCurrentProcess();
        return new TemporaryOwner(MachineTag(), Environment.ProcessId, UnixSeconds(self));
    }

    private static string MachineTag() =>
        Convert.ToHexStringLower(XxHash32.Hash(Encoding.UTF8.GetBytes(Environment.MachineName)));

    [GeneratedRegex(@"\.(tmp|modelgate)-(?<machine>[0-9a-f]{8})-(?<pid>[0-9]+)-(?<start>[0-9]+)-[0-9a-f]+(\.old)?$")]
    private static partial Regex OwnedName();
}
