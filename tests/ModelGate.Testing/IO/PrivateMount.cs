using System.Diagnostics;

namespace ModelGate.Testing.IO;

/// <summary>
/// Runs a command in its own mount namespace (<c>unshare -rm</c>) with a small tmpfs mounted over a folder, so a test
/// can give the tool a really full disk, which nothing else sets up for root. Unavailable off Linux or where the
/// namespace is not allowed (a locked-down container); tests then skip saying so.
/// </summary>
public static class PrivateMount
{
    public const string SkipReason = "`unshare -rm` with a tmpfs mount is not allowed here; a really full disk cannot be set up";

    public static bool IsAvailable { get; } = Probe();

    /// <summary>
    /// The arguments for <c>unshare</c>: mount a tmpfs of <paramref name="pages"/> 4 KiB pages on <paramref name="folder"/>,
    /// fill <paramref name="filledPages"/> of them, run <paramref name="command"/>, then list the folder on stdout (what
    /// the command left there is gone with the namespace) and exit with the command's code.
    /// </summary>
    public static IReadOnlyList<string> Arguments(string folder, int pages, int filledPages, IEnumerable<string> command) =>
    [
        "-rm", "sh", "-c",
        $"mount -t tmpfs -o size={pages * 4}k tmpfs \"$1\" && head -c {filledPages * 4096} /dev/zero > \"$1/fill\" || exit 90; " +
        "d=\"$1\"; shift; \"$@\"; rc=$?; ls -A \"$d\"; exit $rc",
        "sh", folder, .. command,
    ];

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var folder = Directory.CreateTempSubdirectory("modelgate-mount-probe-").FullName;
        try
        {
            var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in Arguments(folder, 2, 1, ["true"]))
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            process.WaitForExit(10_000);
            return process.HasExited && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
