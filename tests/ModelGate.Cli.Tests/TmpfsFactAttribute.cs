using System.Diagnostics;

namespace ModelGate.Cli.Tests;

/// <summary>
/// A test that fills a real, small disk: a tmpfs mounted in a private mount namespace (<c>unshare -m</c>), which
/// needs root or CAP_SYS_ADMIN. Where that is refused the test is skipped, saying why.
/// </summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (!CanMountTmpfs())
        {
            Skip = "cannot mount a small tmpfs here (unshare -m and mount need root or CAP_SYS_ADMIN)";
        }
    }

    private static bool CanMountTmpfs()
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        try
        {
            var probe = Directory.CreateTempSubdirectory("modelgate-tmpfs-probe-").FullName;
            try
            {
                using var process = Process.Start(new ProcessStartInfo("unshare", ["-m", "mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs", probe])
                {
                    UseShellExecute = false,
                    RedirectStandardError = true,
                })!;
                process.StandardError.ReadToEnd();
                return process.WaitForExit(10_000) && process.ExitCode == 0;
            }
            finally
            {
                Directory.Delete(probe);
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no unshare
        }
    }
}
