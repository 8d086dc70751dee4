using System.Diagnostics;

namespace ModelGate.Core.Tests.Reporting;

/// <summary>
/// Runs the Debian <c>chromium</c> package headless (CI installs it in .ci/run) to check that an HTML report renders
/// in a real browser. Only our own process is started, and it is killed with its children if it overruns.
/// </summary>
internal static class HeadlessChromium
{
    private static readonly string[] Names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

    /// <summary>The browser's path, or null when none is installed.</summary>
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => Names.Select(n => Path.Combine(dir, n)))
            .FirstOrDefault(File.Exists);

    /// <summary>The DOM after layout (what a reader's browser builds from the file).</summary>
    public static Task<string> DumpDomAsync(string htmlFile, string profile) =>
        RunAsync(["--dump-dom", new Uri(htmlFile).AbsoluteUri], profile);

    /// <summary>A PNG of the page at a desktop width, for a person to look at.</summary>
    public static Task<string> ScreenshotAsync(string htmlFile, string png, string profile, int width = 1200, int height = 2600) =>
        RunAsync([$"--screenshot={png}", $"--window-size={width},{height}", "--hide-scrollbars", new Uri(htmlFile).AbsoluteUri], profile);

    private static async Task<string> RunAsync(IReadOnlyList<string> args, string profile)
    {
        var start = new ProcessStartInfo(Find() ?? throw new InvalidOperationException("chromium is not installed"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-dev-shm-usage", $"--user-data-dir={profile}" }.Concat(args))
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium did not finish in 90 s; stderr: {await stderr}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"chromium exited {process.ExitCode}: {await stderr}");
        }

        return await stdout;
    }
}
