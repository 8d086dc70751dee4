using System.Diagnostics;
using ModelGate.Testing;

namespace ModelGate.GitHub.Tests.Action;

/// <summary>
/// The tool as users get it: `dotnet pack src/ModelGate.Cli -c Release` into a temp feed, once per test class (it
/// takes minutes on a busy machine). MODELGATE_TEST_TOOL_FEED names an already packed feed to reuse instead.
/// </summary>
public sealed class PackedTool : IAsyncLifetime
{
    private readonly TempDirectory _folder = new();

    public string Feed { get; private set; } = "";

    public string Version { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Feed = Environment.GetEnvironmentVariable("MODELGATE_TEST_TOOL_FEED") is { Length: > 0 } given ? given : await PackAsync(_folder.File("feed"));
        var package = Directory.GetFiles(Feed, "ModelGate.Tool.*.nupkg").OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            ?? throw new InvalidOperationException($"no ModelGate.Tool package in {Feed}");
        Version = Path.GetFileNameWithoutExtension(package)["ModelGate.Tool.".Length..];
    }

    public Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }

    private static async Task<string> PackAsync(string feed)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["pack", Path.Combine(RepositoryPaths.Root(), "src", "ModelGate.Cli"), "-c", "Release", "-o", feed, "-nologo"])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        await process.WaitForExitAsync(cancel.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet pack failed ({process.ExitCode}):\n{await output}\n{await error}");
        }

        return feed;
    }
}
