using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ModelGate.Core.Errors;
using ModelGate.Core.Tensors;
using ModelGate.Testing;
using ModelGate.Testing.Tensors;

namespace ModelGate.Core.Tests.Tensors;

public sealed class SafetensorsWriterTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    public static TheoryData<TensorDType> AllDTypes() => [.. Enum.GetValues<TensorDType>()];

    [Theory]
    [MemberData(nameof(AllDTypes))]
    public void WriteTensor_RawBytesOfEveryDType_RoundTrip(TensorDType dtype)
    {
        var bytes = new byte[2 * 3 * TensorDTypes.SizeOf(dtype)];
        new Random(42).NextBytes(bytes);
        var path = temp.File("m.safetensors");

        using (var writer = SafetensorsWriter.Create(path, [new TensorSpec("t", dtype, [2, 3])], null))
        {
            writer.WriteTensor("t", bytes);
            writer.Commit();
        }

        using var file = SafetensorsFile.Open(path);
        var t = file.Get("t");
        Assert.Equal(dtype, t.DType);
        Assert.Equal([2L, 3L], t.Shape);
        Assert.Equal(bytes, file.GetBytes(t).ToArray());
        try
        {
            Assert.Equal(6, file.ReadFloat32(t).Length);
        }
        catch (UserInputException e)
        {
            // Random bits can be a NaN, or a float64 beyond float32's range; reading as float32 refuses those.
            Assert.Contains("(non-finite weights cannot be analysed)", e.Message);
        }
    }

    [Theory]
    [InlineData(TensorDType.F32)]
    [InlineData(TensorDType.F16)]
    [InlineData(TensorDType.BF16)]
    [InlineData(TensorDType.F64)]
    public void WriteTensorFloat32_ThroughEveryFloatDType_ValuesRoundTrip(TensorDType dtype)
    {
        float[] values = [1f, -2.5f, 0.5f, 3f, 0f, -0.25f];
        var path = temp.File("m.safetensors");

        using (var writer = SafetensorsWriter.Create(path, [new TensorSpec("t", dtype, [values.Length])], null))
        {
            writer.WriteTensorFloat32("t", values);
            writer.Commit();
        }

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(values, file.ReadFloat32(file.Get("t")));
    }

    [Fact]
    public void WriteTensorChunkFloat32_LargeTensor_IsConvertedInChunksWithTheSameResult()
    {
        var values = Enumerable.Range(0, 100_003).Select(i => (i * 0.37f) - 5000f).ToArray();
        var expected = new byte[values.Length * 2];
        DTypeConversion.FromFloat32(values, TensorDType.BF16, expected);
        var path = temp.File("m.safetensors");

        using (var writer = SafetensorsWriter.Create(path, [new TensorSpec("t", TensorDType.BF16, [values.Length])], null))
        {
            writer.BeginTensor("t");
            writer.WriteTensorChunkFloat32(values.AsSpan(0, 7));
            writer.WriteTensorChunkFloat32(values.AsSpan(7));
            writer.Commit();
        }

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(expected, file.GetBytes(file.Get("t")).ToArray());
    }

    [Fact]
    public void Commit_WritesBytesIdenticalToTheReferenceLayout()
    {
        var metadata = new Dictionary<string, string> { ["format"] = "pt" };
        var expected = new SafetensorsBytesBuilder()
            .WithMetadata(metadata)
            .AddFloat32("z", [2], 1f, 2f)
            .AddTensor("a", "U8", [3], [7, 8, 9])
            .Build();
        var path = temp.File("m.safetensors");

        using (var writer = SafetensorsWriter.Create(path, [new TensorSpec("z", TensorDType.F32, [2]), new TensorSpec("a", TensorDType.U8, [3])], metadata))
        {
            writer.WriteTensorFloat32("z", [1f, 2f]);
            writer.BeginTensor("a");
            writer.WriteTensorChunk([7]);
            writer.WriteTensorChunk([8, 9]);
            writer.Commit();
        }

        var actual = File.ReadAllBytes(path);
        Assert.Equal(expected, actual);
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(actual) % 8);
    }

    [Fact]
    public void Commit_MetadataAndKeyOrder_RoundTrip()
    {
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["source"] = "ünïcode \"quoted\"" };
        var path = temp.File("m.safetensors");
        string[] names = ["b", "a", "c"];

        using (var writer = SafetensorsWriter.Create(path, [.. names.Select(n => new TensorSpec(n, TensorDType.F16, [1]))], metadata))
        {
            foreach (var name in names)
            {
                writer.WriteTensorFloat32(name, [1f]);
            }

            writer.Commit();
        }

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(metadata, file.Metadata);
        Assert.Equal(names, file.Tensors.Select(t => t.Name));
        Assert.Equal([0L, 2L, 4L], file.Tensors.Select(t => t.DataStart));
    }

    [Fact]
    public void Dispose_WithoutCommit_LeavesNoFile()
    {
        var path = temp.File("m.safetensors");
        using (var writer = SafetensorsWriter.Create(path, [new TensorSpec("t", TensorDType.F32, [1])], null))
        {
            writer.WriteTensorFloat32("t", [1f]);
        }

        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Create_BeforeCommit_NothingAppearsUnderTheFinalName()
    {
        var path = temp.File("m.safetensors");
        using var writer = SafetensorsWriter.Create(path, [new TensorSpec("t", TensorDType.F32, [1])], null);
        writer.WriteTensorFloat32("t", [1f]);

        Assert.False(File.Exists(path));
        var tempFile = Assert.Single(Directory.GetFiles(temp.Path));
        Assert.StartsWith(path + ".tmp-", tempFile);

        writer.Commit();
        Assert.Equal([path], Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void Commit_ExistingFile_IsReplacedAtomically()
    {
        var path = new SafetensorsBytesBuilder().AddFloat32("old", [1], 1f).WriteTo(temp.File("m.safetensors"));
        using (var writer = SafetensorsWriter.Create(path, [new TensorSpec("new", TensorDType.F32, [1])], null))
        {
            writer.WriteTensorFloat32("new", [2f]);
            writer.Commit();
        }

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["new"], file.Tensors.Select(t => t.Name));
    }

    [Fact]
    public void WriteTensor_WrongByteCounts_AreRejected()
    {
        var path = temp.File("m.safetensors");
        using var writer = SafetensorsWriter.Create(path, [new TensorSpec("t", TensorDType.F32, [2])], null);

        var e = Assert.Throws<ArgumentException>(() => writer.WriteTensor("t", new byte[7]));
        Assert.Contains("needs 8 bytes", e.Message);
        Assert.Throws<ArgumentException>(() => writer.WriteTensorFloat32("t", new float[3]));

        writer.BeginTensor("t");
        writer.WriteTensorChunk(new byte[6]);
        Assert.Throws<ArgumentException>(() => writer.WriteTensorChunk(new byte[3]));
        var incomplete = Assert.Throws<InvalidOperationException>(writer.Commit);
        Assert.Contains("\"t\" got 6 of its 8 bytes", incomplete.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void WriteTensor_NotOnceEachInSpecOrder_IsRejected()
    {
        var path = temp.File("m.safetensors");
        using var writer = SafetensorsWriter.Create(path, [new TensorSpec("a", TensorDType.U8, [1]), new TensorSpec("b", TensorDType.U8, [1])], null);

        Assert.Throws<InvalidOperationException>(() => writer.WriteTensorChunk([1]));
        var e = Assert.Throws<InvalidOperationException>(() => writer.WriteTensor("b", [1]));
        Assert.Contains("expected tensor \"a\" next", e.Message);
        writer.WriteTensor("a", [1]);
        Assert.Throws<InvalidOperationException>(() => writer.WriteTensor("a", [1]));
        writer.WriteTensor("b", [2]);
        Assert.Throws<InvalidOperationException>(() => writer.WriteTensor("b", [2]));
        writer.Commit();
    }

    [Fact]
    public void Create_InvalidSpecs_AreRejectedBeforeAnyFileIsCreated()
    {
        var path = temp.File("m.safetensors");

        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Create(path, [new TensorSpec("a", TensorDType.U8, [1]), new TensorSpec("a", TensorDType.U8, [1])], null));
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Create(path, [new TensorSpec("__metadata__", TensorDType.U8, [1])], null));
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Create(path, [new TensorSpec("a", TensorDType.U8, [-1])], null));
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Create(path, [new TensorSpec("a", TensorDType.F32, [1L << 40, 1L << 40])], null));
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Create_MissingDestinationFolder_IsAUserError()
    {
        var path = Path.Combine(temp.Path, "missing", "m.safetensors");

        var e = Assert.Throws<UserInputException>(() => SafetensorsWriter.Create(path, [], null));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Commit_HeaderJson_ListsMetadataFirstThenTensorsInOrder()
    {
        var path = temp.File("m.safetensors");
        using (var writer = SafetensorsWriter.Create(path, [new TensorSpec("y", TensorDType.I64, [1]), new TensorSpec("x", TensorDType.I64, [])], new Dictionary<string, string> { ["k"] = "v" }))
        {
            writer.WriteTensor("y", new byte[8]);
            writer.WriteTensor("x", new byte[8]);
            writer.Commit();
        }

        var bytes = File.ReadAllBytes(path);
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = Encoding.UTF8.GetString(bytes, 8, length);
        Assert.EndsWith("}", header.TrimEnd(' '));
        using var json = JsonDocument.Parse(header);
        Assert.Equal(["__metadata__", "y", "x"], json.RootElement.EnumerateObject().Select(p => p.Name));
    }
}
