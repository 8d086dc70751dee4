using Microsoft.Extensions.Logging;
using ModelGate.Core.Errors;
using ModelGate.Core.Tensors;

namespace ModelGate.Core.Registries.Streaming;

/// <summary>
/// The safetensors files of a resolved registry version, read by byte ranges (Azure <c>x-ms-range</c>, HTTP
/// <c>Range:</c>, a seek in a folder) and never stored: each read is retried like a download and counted.
/// Consistency comes from the pin of the version (a Hub commit, an Azure blob version or ETag sent as If-Match), so
/// a header and the tensors read after it are bytes of the same file.
/// </summary>
public sealed class RegistryShardSource : IRemoteShardSource
{
    private readonly IRegistry registry;
    private readonly ResolvedVersion version;
    private readonly Dictionary<string, RemoteFile> files;
    private readonly RegistrySettings settings;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly DownloadStatistics statistics;

    public RegistryShardSource(IRegistry registry, ResolvedVersion version, RegistrySettings settings, TimeProvider time, ILogger logger, DownloadStatistics statistics)
    {
        this.registry = registry;
        this.version = version;
        this.settings = settings;
        this.time = time;
        this.logger = logger;
        this.statistics = statistics;
        files = version.Files
            .Where(f => !f.Path.Contains('/', StringComparison.Ordinal) && f.Path.EndsWith(".safetensors", StringComparison.Ordinal))
            .ToDictionary(f => f.Path, StringComparer.Ordinal);
        SafetensorsFiles = [.. files.Keys.Order(StringComparer.Ordinal)];
    }

    public IReadOnlyList<string> SafetensorsFiles { get; }

    public long BytesRead => statistics.BytesDownloaded;

    public bool Contains(string fileName) => files.ContainsKey(fileName);

    public long LengthOf(string fileName)
    {
        var file = File(fileName);
        return file.Size >= 0
            ? file.Size
            : throw new UserInputException($"{version.Reference.Display}: the registry does not say how long {fileName} is, so it cannot be read by ranges");
    }

    public string? Sha256Of(string fileName) => File(fileName).Sha256;

    public Task<byte[]> ReadAsync(string fileName, long offset, int length, CancellationToken cancellationToken) =>
        ReadAsync(File(fileName), offset, length, cancellationToken);

    private RemoteFile File(string fileName) =>
        files.GetValueOrDefault(fileName) ?? throw new UserInputException($"{version.Reference.Display}: has no file {fileName}");

    private async Task<byte[]> ReadAsync(RemoteFile file, long offset, int length, CancellationToken cancellationToken)
    {
        var what = $"{version.Reference.Display}: {file.Path} bytes {offset}-{offset + length - 1}";
        var pipeline = RegistryRetry.Create(settings, time, logger, statistics.Retried);
        return await RegistryRetry.RunAsync(pipeline, what, async token =>
        {
            using var stall = CancellationTokenSource.CreateLinkedTokenSource(token);
            stall.CancelAfter(settings.Timeout);
            try
            {
                await using var read = await registry.OpenReadAsync(version, file, offset, length, stall.Token);
                var buffer = new byte[length];
                // A registry that ignored the range sends the file from its start: skip to the bytes asked for.
                var skip = offset - read.Offset;
                var scratch = new byte[64 * 1024];
                while (skip > 0)
                {
                    var n = await read.Content.ReadAsync(scratch.AsMemory(0, (int)Math.Min(scratch.Length, skip)), stall.Token);
                    if (n == 0)
                    {
                        throw new TransientRegistryException($"{what}: the response ended before the range");
                    }

                    statistics.AddBytes(n);
                    skip -= n;
                }

                var done = 0;
                while (done < length)
                {
                    var n = await read.Content.ReadAsync(buffer.AsMemory(done), stall.Token);
                    if (n == 0)
                    {
                        throw new TransientRegistryException($"{what}: the response ended after {done} bytes");
                    }

                    done += n;
                    statistics.AddBytes(n);
                    stall.CancelAfter(settings.Timeout);
                }

                return buffer;
            }
            catch (OperationCanceledException e) when (!token.IsCancellationRequested)
            {
                throw new TimeoutException($"{what}: no data for {settings.Timeout.TotalSeconds:0} s", e);
            }
        }, cancellationToken);
    }
}
