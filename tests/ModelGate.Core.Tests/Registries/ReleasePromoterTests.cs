using Microsoft.Extensions.DependencyInjection;
using ModelGate.Core.Errors;
using ModelGate.Core.Promotion;
using ModelGate.Core.Registries;
using ModelGate.Core.Registries.Local;
using ModelGate.Demo;
using ModelGate.Testing;

namespace ModelGate.Core.Tests.Registries;

public sealed class ReleasePromoterTests : IDisposable
{
    private readonly TempDirectory dir = new();
    private readonly string adapter;

    public ReleasePromoterTests()
    {
        var model = new TinyModelBuilder().Build(dir.File("base"));
        adapter = new LoraAdapterBuilder().WithAlignedUpdate("model.layers.0.self_attn.q_proj").Build(model.Folder, dir.File("adapter"));
    }

    public void Dispose() => dir.Dispose();

    private PromotionRequest Request(string destination, bool allowed = true, string version = "v1") => new(
        destination, adapter, "./adapter", null, "./base", version, allowed, allowed ? "pass" : "fail", 0, """{"verdict":"pass"}""", "# Report\n");

    [Fact]
    public async Task Promote_ToAFolder_CopiesTheAdapterAndWritesTheMarkerWithChecksums()
    {
        using var host = ToolRegistries.Host();
        var releases = dir.File("releases");

        var result = await host.Promoter.PromoteAsync(Request(releases), CancellationToken.None);

        Assert.True(result.Promoted);
        var version = Path.Combine(releases, "v1");
        var marker = ReleaseMarker.TryParse(File.ReadAllText(Path.Combine(version, ReleaseMarker.FileName)));
        Assert.NotNull(marker);
        Assert.Equal("pass", marker.Verdict);
        Assert.Equal(
            Directory.GetFiles(adapter).Select(Path.GetFileName).Append("report.md").Append("verdict.json").Order(),
            marker.Files.Select(f => f.Path).Order());
        foreach (var file in marker.Files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(version, file.Path));
            Assert.Equal(file.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
        }
    }

    [Fact]
    public async Task Promote_Failed_WritesNothing()
    {
        using var host = ToolRegistries.Host();
        var releases = dir.File("releases");

        var result = await host.Promoter.PromoteAsync(Request(releases, allowed: false), CancellationToken.None);

        Assert.False(result.Promoted);
        Assert.False(Directory.Exists(releases));
    }

    [Fact]
    public async Task Promote_CutShortMidCopy_LeavesNoMarkerSoTheVersionIsNotAReleaseAndCanBeRedone()
    {
        var failures = new FailingWrites { FailAfter = 1 };
        using var host = ToolRegistries.Host(services =>
        {
            services.AddSingleton(failures);
            // A registry plug-in is one class and one registration line.
            services.AddRegistry<FlakyFolderRegistry>("flaky");
        });
        var releases = dir.File("releases");

        await Assert.ThrowsAsync<IOException>(() => host.Promoter.PromoteAsync(Request("flaky://" + releases), CancellationToken.None));

        var location = RegistryReference.Parse(releases);
        var versions = await host.Catalog.For(location).ListVersionsAsync(location, CancellationToken.None);
        Assert.Null(Assert.Single(versions).Release);
        failures.FailAfter = int.MaxValue;
        var retried = await host.Promoter.PromoteAsync(Request("flaky://" + releases), CancellationToken.None);
        Assert.True(retried.Promoted);
        versions = await host.Catalog.For(location).ListVersionsAsync(location, CancellationToken.None);
        Assert.Equal("pass", Assert.Single(versions).Release?.Verdict);
    }

    [Fact]
    public async Task Promote_VersionWithATraversalName_IsRefused()
    {
        using var host = ToolRegistries.Host();

        var error = await Assert.ThrowsAsync<UserInputException>(() => host.Promoter.PromoteAsync(Request(dir.File("releases"), version: "../outside"), CancellationToken.None));

        Assert.Contains("refused", error.Message);
        Assert.False(Directory.Exists(dir.File("outside")));
    }

    [Fact]
    public async Task Promote_ToTheHub_IsRefusedAsReadOnly()
    {
        using var host = ToolRegistries.Host();

        var error = await Assert.ThrowsAsync<UserInputException>(() => host.Promoter.PromoteAsync(Request("hf://org/releases"), CancellationToken.None));

        Assert.Contains("read-only", error.Message);
    }

    /// <summary>How many folder writes succeed before the next one fails.</summary>
    public sealed class FailingWrites
    {
        public int FailAfter { get; set; }
    }

    /// <summary>A folder registry whose writes fail after a number of them, as a network cut during promotion would.</summary>
    private sealed class FlakyFolderRegistry(FailingWrites failures) : IRegistry
    {
        private readonly FileRegistry inner = new();
        private int writes;

        public Task<IReadOnlyList<RegistryVersion>> ListVersionsAsync(RegistryReference location, CancellationToken cancellationToken) => inner.ListVersionsAsync(Local(location), cancellationToken);

        public Task<ResolvedVersion> ResolveAsync(RegistryReference reference, CancellationToken cancellationToken) => inner.ResolveAsync(Local(reference), cancellationToken);

        public string? ImmutableCacheKey(RegistryReference reference) => null;

        public Task<RemoteRead> OpenReadAsync(ResolvedVersion version, RemoteFile file, long offset, long? length, CancellationToken cancellationToken) => inner.OpenReadAsync(version, file, offset, length, cancellationToken);

        public RegistryReference Child(RegistryReference folder, string name) => RegistryReference.Parse("flaky://" + inner.Child(Local(folder), name).Original);

        public Task WriteFileAsync(RegistryReference folder, string name, string localPath, CancellationToken cancellationToken)
        {
            Tick();
            return inner.WriteFileAsync(Local(folder), name, localPath, cancellationToken);
        }

        public Task<string?> ReadTextAsync(RegistryReference folder, string name, CancellationToken cancellationToken) => inner.ReadTextAsync(Local(folder), name, cancellationToken);

        public Task WriteTextAsync(RegistryReference folder, string name, string text, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
        {
            Tick();
            return inner.WriteTextAsync(Local(folder), name, text, labels, cancellationToken);
        }

        public Task<bool> CreateFileAsync(RegistryReference folder, string name, string localPath, CancellationToken cancellationToken)
        {
            Tick();
            return inner.CreateFileAsync(Local(folder), name, localPath, cancellationToken);
        }

        public Task<TaggedText?> ReadTaggedTextAsync(RegistryReference folder, string name, CancellationToken cancellationToken) => inner.ReadTaggedTextAsync(Local(folder), name, cancellationToken);

        public Task<bool> ReplaceTextAsync(RegistryReference folder, string name, string text, string? expectedTag, CancellationToken cancellationToken) => inner.ReplaceTextAsync(Local(folder), name, text, expectedTag, cancellationToken);

        private static RegistryReference Local(RegistryReference reference) => RegistryReference.Parse(reference.Original["flaky://".Length..]);

        private void Tick()
        {
            if (++writes > failures.FailAfter)
            {
                throw new IOException("connection reset during promotion");
            }
        }
    }
}
