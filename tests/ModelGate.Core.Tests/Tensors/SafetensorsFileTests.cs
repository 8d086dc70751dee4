using ModelGate.Core.Errors;
using ModelGate.Core.Tensors;
using ModelGate.Testing;
using ModelGate.Testing.Tensors;

namespace ModelGate.Core.Tests.Tensors;

public sealed class SafetensorsFileTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Open_ReadsTensorsInHeaderOrderWithShapesOffsetsAndValues()
    {
        var path = new SafetensorsBytesBuilder()
            .AddFloat32("z.weight", [2, 2], 1f, 2f, 3f, 4f)
            .AddFloat32("a.bias", [2], -1f, 0.5f)
            .WriteTo(temp.File("m.safetensors"));

        using var file = SafetensorsFile.Open(path);

        Assert.Equal(path, file.Path);
        Assert.Equal(["z.weight", "a.bias"], file.Tensors.Select(t => t.Name));
        var bias = file.Get("a.bias");
        Assert.Equal(TensorDType.F32, bias.DType);
        Assert.Equal([2L], bias.Shape);
        Assert.Equal((16L, 24L), (bias.DataStart, bias.DataEnd));
        Assert.Equal(2, bias.ElementCount);
        Assert.Equal(8, bias.ByteLength);
        Assert.Equal(path, bias.FilePath);
        Assert.Equal([1f, 2f, 3f, 4f], file.ReadFloat32(file.Get("z.weight")));
        Assert.Equal([-1f, 0.5f], file.ReadFloat32(bias));
        Assert.Equal(8, file.GetBytes(bias).Length);
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void Open_ReadsMetadata()
    {
        var path = new SafetensorsBytesBuilder()
            .WithMetadata(new Dictionary<string, string> { ["format"] = "pt", ["note"] = "é ✓" })
            .AddFloat32("w", [1], 1f)
            .WriteTo(temp.File("m.safetensors"));

        using var file = SafetensorsFile.Open(path);

        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal("é ✓", file.Metadata["note"]);
    }

    [Fact]
    public void Open_ScalarsEmptyTensorsAnEmptyHeaderAndUnpaddedHeaders_AreAccepted()
    {
        var path = new SafetensorsBytesBuilder()
            .AddTensor("empty", "F32", [0, 3], [])
            .AddFloat32("scalar", [], 7f)
            .AddTensor("also_empty", "BF16", [4, 0], [])
            .WithoutPadding()
            .WriteTo(temp.File("m.safetensors"));

        using var file = SafetensorsFile.Open(path);

        Assert.Equal([7f], file.ReadFloat32(file.Get("scalar")));
        Assert.Empty(file.ReadFloat32(file.Get("empty")));
        Assert.Equal(0, file.GetBytes(file.Get("also_empty")).Length);

        var emptyPath = new SafetensorsBytesBuilder().WriteTo(temp.File("none.safetensors"));
        using var none = SafetensorsFile.Open(emptyPath);
        Assert.Empty(none.Tensors);
    }

    [Fact]
    public void Get_MissingTensor_NamesFileAndTensor()
    {
        var path = new SafetensorsBytesBuilder().AddFloat32("w", [1], 1f).WriteTo(temp.File("m.safetensors"));
        using var file = SafetensorsFile.Open(path);

        Assert.False(file.TryGet("nope", out _));
        var e = Assert.Throws<UserInputException>(() => file.Get("nope"));
        Assert.Contains(path, e.Message);
        Assert.Contains("\"nope\"", e.Message);
    }

    [Fact]
    public void CopyBytes_ReadsAnySliceAndRefusesSlicesOutsideTheTensor()
    {
        var path = new SafetensorsBytesBuilder()
            .AddFloat32("a", [1], 9f)
            .AddTensor("b", "U8", [6], [10, 11, 12, 13, 14, 15])
            .WriteTo(temp.File("m.safetensors"));
        using var file = SafetensorsFile.Open(path);
        var b = file.Get("b");

        var slice = new byte[3];
        file.CopyBytes(b, 2, slice);
        Assert.Equal([12, 13, 14], slice);

        Assert.Throws<ArgumentOutOfRangeException>(() => file.CopyBytes(b, 4, new byte[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => file.CopyBytes(b, -1, new byte[1]));
    }

    [Fact]
    public void ReadFloat32_BoolTensors_ReadAsZeroAndOne()
    {
        var path = new SafetensorsBytesBuilder().AddTensor("mask", "BOOL", [3], [0, 1, 1]).WriteTo(temp.File("m.safetensors"));
        using var file = SafetensorsFile.Open(path);

        Assert.Equal([0f, 1f, 1f], file.ReadFloat32(file.Get("mask")));
    }

    [Fact]
    public void GetBytes_InfosFromAnotherFileOrForgedOffsets_NeverReadOutsideTheMapping()
    {
        var path = new SafetensorsBytesBuilder().AddFloat32("w", [2], 1f, 2f).WriteTo(temp.File("m.safetensors"));
        var otherPath = new SafetensorsBytesBuilder().AddFloat32("w", [2], 3f, 4f).WriteTo(temp.File("o.safetensors"));
        using var file = SafetensorsFile.Open(path);
        using var other = SafetensorsFile.Open(otherPath);

        Assert.Throws<ArgumentException>(() => file.GetBytes(other.Get("w")));
        var forged = file.Get("w") with { Shape = [1 << 20], DataEnd = 4L << 20 };
        Assert.Throws<ArgumentException>(() => file.GetBytes(forged));
        Assert.Throws<ArgumentException>(() => file.ReadFloat32(forged));
        var lying = file.Get("w") with { Shape = [1] };
        Assert.Throws<ArgumentException>(() => file.ReadFloat32(lying));
    }

    [Fact]
    public void GetBytes_AfterDispose_ThrowsInsteadOfTouchingUnmappedMemory()
    {
        var path = new SafetensorsBytesBuilder().AddFloat32("w", [1], 1f).WriteTo(temp.File("m.safetensors"));
        var file = SafetensorsFile.Open(path);
        var w = file.Get("w");
        file.Dispose();
        file.Dispose();

        Assert.Throws<ObjectDisposedException>(() => file.GetBytes(w).Length);
    }

    [Fact]
    public void Open_MissingFile_IsAUserErrorNamingIt()
    {
        var path = temp.File("absent.safetensors");
        var e = Assert.Throws<UserInputException>(() => SafetensorsFile.Open(path));
        Assert.Contains(path, e.Message);
    }
}
