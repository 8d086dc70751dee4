using System.Diagnostics;
using System.Text;

namespace ModelGate.Testing.Registries;

/// <summary>
/// Azurite's blob service (npm package azurite, installed by <c>npm ci --prefix tests/azurite</c>) on 127.0.0.1 at a
/// free port with its data in a temp folder; <see cref="Kill"/> and <see cref="StartAsync"/> again on the same port
/// and folder simulate a storage outage mid-download. Stopped and its folder deleted on dispose.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    public const string Account = "devstoreaccount1";

    // Azurite's documented well-known development key (not a secret).
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly TempDirectory data = new();
    private readonly StringBuilder log = new();
    private Process? process;

    private AzuriteServer(int port)
    {
        Port = port;
    }

    public int Port { get; }

    public string ServiceUri => $"http://127.0.0.1:{Port}/{Account}";

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={AccountKey};BlobEndpoint={ServiceUri};";

    /// <summary>Where the blob service keeps its database and extents.</summary>
    public string DataFolder => data.Path;

    public string Log
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    /// <summary>The path of Azurite's blob entry point, or null when <c>npm ci --prefix tests/azurite</c> has not run.</summary>
    public static string? EntryPoint()
    {
        var root = RepositoryPaths.TryFindRoot();
        var main = root is null ? null : Path.Combine(root, "tests", "azurite", "node_modules", "azurite", "dist", "src", "blob", "main.js");
        return main is not null && File.Exists(main) ? main : null;
    }

    public static async Task<AzuriteServer> StartNewAsync()
    {
        var server = new AzuriteServer(FreePort.Next());
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        var main = EntryPoint() ?? throw new InvalidOperationException("Azurite is not installed: run `npm ci --prefix tests/azurite` (CI's .ci/run does)");
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { main, "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--location", data.Path, "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl", "--disableTelemetry", "--silent" })
        {
            start.ArgumentList.Add(arg);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var running = process;
        try
        {
            await FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(60), () => !running.HasExited);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"Azurite did not listen on {Port}: {Log}", e);
        }

        if (running.HasExited)
        {
            throw new InvalidOperationException($"Azurite exited with {running.ExitCode}: {Log}");
        }
    }

    /// <summary>Kills the server at once (SIGKILL), as a crash or a network cut would.</summary>
    public void Kill()
    {
        if (process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }

        process?.Dispose();
        process = null;
    }

    /// <summary>
    /// Waits until Azurite has saved its metadata database with <paramref name="text"/> in it: its store is written
    /// every few seconds, and a blob uploaded just before a kill would otherwise be forgotten by the restarted server.
    /// </summary>
    public async Task WaitUntilPersistedAsync(string text, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            var persisted = Directory.EnumerateFiles(data.Path, "__azurite_db_blob__*.json")
                .Any(f => { try { return File.ReadAllText(f).Contains(text, StringComparison.Ordinal); } catch (IOException) { return false; } });
            if (persisted)
            {
                return;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Azurite did not persist '{text}' within {deadline}");
            }

            await Task.Delay(100);
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        data.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }
    }
}
