using ModelGate.Core.Tensors;
using ModelGate.Testing;
using ModelGate.Testing.Tensors;

namespace ModelGate.Core.Tests.Tensors;

public sealed class ShardIdentityTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task ScanAsync_LocalFile_RecordsItsLengthHeaderDigestAndSha256()
    {
        var file = temp.File("model.safetensors");
        new SafetensorsBytesBuilder().AddFloat32("w", [2], 1f, 2f).WriteTo(file);
        using var weights = ModelWeights.Open(temp.Path);

        var scanned = Assert.Single(await weights.ScanAsync(_ => true, CancellationToken.None));

        Assert.Equal(new FileInfo(file).Length, scanned.Length);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file))), scanned.Sha256);
        Assert.Null(Assert.Single(weights.ShardIdentities).Sha256);
        Assert.True(Assert.Single(weights.ShardIdentities).IsDescribedBy(scanned));
    }

    [Fact]
    public async Task ScanAsync_NaNInAFloatTensor_IsBadInputNamingFileTensorAndElement()
    {
        var file = temp.File("model.safetensors");
        new SafetensorsBytesBuilder().AddTensor("ids", "I32", [2], new byte[8]).AddFloat32("w", [3], 1f, 2f, float.NaN).WriteTo(file);
        using var weights = ModelWeights.Open(temp.Path);

        var e = await Assert.ThrowsAsync<Errors.UserInputException>(() => weights.ScanAsync(_ => true, CancellationToken.None));

        Assert.Contains($"{file}: tensor \"w\" has NaN at element 2", e.Message);
    }

    [Fact]
    public async Task IsDescribedBy_OtherValuesSameLayout_MatchesOnlyWhereNoSha256IsKnown()
    {
        var scanned = await ScanAsync("a", new SafetensorsBytesBuilder().AddFloat32("w", [2], 1f, 2f));
        var sameLayout = await ScanAsync("b", new SafetensorsBytesBuilder().AddFloat32("w", [2], 1f, float.NaN), scan: false);

        Assert.True(sameLayout.IsDescribedBy(scanned));
        Assert.False((sameLayout with { Sha256 = new string('0', 64) }).IsDescribedBy(scanned));
        Assert.True((sameLayout with { Sha256 = scanned.Sha256 }).IsDescribedBy(scanned));
    }

    [Theory]
    [InlineData("renamed")]
    [InlineData("shape")]
    [InlineData("dtype")]
    [InlineData("metadata")]
    public async Task IsDescribedBy_AnotherHeader_DoesNotMatch(string change)
    {
        var scanned = await ScanAsync("a", new SafetensorsBytesBuilder().AddFloat32("w", [2], 1f, 2f));
        var other = change switch
        {
            "renamed" => new SafetensorsBytesBuilder().AddFloat32("v", [2], 1f, 2f),
            "shape" => new SafetensorsBytesBuilder().AddFloat32("w", [2, 1], 1f, 2f),
            "dtype" => new SafetensorsBytesBuilder().AddTensor("w", "I32", [2], new byte[8]),
            _ => new SafetensorsBytesBuilder().AddFloat32("w", [2], 1f, 2f).WithMetadata(new Dictionary<string, string> { ["format"] = "pt" }),
        };

        var identity = await ScanAsync("b", other, scan: false);

        Assert.False(identity.IsDescribedBy(scanned));
    }

    private async Task<ShardIdentity> ScanAsync(string folder, SafetensorsBytesBuilder builder, bool scan = true)
    {
        Directory.CreateDirectory(temp.File(folder));
        builder.WriteTo(Path.Combine(temp.File(folder), "model.safetensors"));
        using var weights = ModelWeights.Open(temp.File(folder));
        return scan ? Assert.Single(await weights.ScanAsync(_ => true, CancellationToken.None)) : Assert.Single(weights.ShardIdentities);
    }
}
