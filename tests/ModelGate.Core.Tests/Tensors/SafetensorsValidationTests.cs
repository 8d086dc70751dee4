using System.Text;
using ModelGate.Core.Errors;
using ModelGate.Core.Tensors;
using ModelGate.Testing;
using ModelGate.Testing.Tensors;

namespace ModelGate.Core.Tests.Tensors;

/// <summary>Every broken file must fail as a one-line UserInputException that names the file and, where relevant, the tensor.</summary>
public sealed class SafetensorsValidationTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Open_FileShorterThanTheLengthPrefix_IsRejected()
    {
        var path = temp.File("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);

        AssertRejected(path, null, "shorter than the 8-byte");
    }

    [Fact]
    public void Open_HeaderLengthOf2Pow63_IsRejectedWithoutAllocating()
    {
        var path = temp.File("huge.safetensors");
        File.WriteAllBytes(path, new SafetensorsBytesBuilder().WithHeaderLength(1UL << 63).Build());

        var before = GC.GetAllocatedBytesForCurrentThread();
        AssertRejected(path, null, "exceeds the 104857600-byte limit");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "rejecting the header allocated more than 1 MiB");
    }

    [Fact]
    public void Open_SymlinkToATextFile_IsRejectedByItsLengthWithoutEchoingItsFirstBytes()
    {
        const string Text = "root:x:0:0:root:/root:/bin/bash\n";
        var target = temp.File("passwd");
        File.WriteAllText(target, Text);
        var link = temp.File("adapter_model.safetensors");
        File.CreateSymbolicLink(link, target);

        var e = Assert.Throws<UserInputException>(() => SafetensorsFile.Open(link));

        Assert.Equal($"{link}: its header length prefix exceeds the 104857600-byte limit; not a safetensors file or corrupted (the file is {Text.Length} bytes)", e.Message);
        Assert.DoesNotContain(BitConverter.ToUInt64(Encoding.ASCII.GetBytes(Text[..8])).ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
    }

    [Fact]
    public void Open_HeaderLengthBeyondTheEndOfTheFile_IsRejected()
    {
        var path = temp.File("truncated.safetensors");
        File.WriteAllBytes(path, new SafetensorsBytesBuilder().AddFloat32("w", [1], 1f).WithHeaderLength(5000).Build());

        AssertRejected(path, null, "header length 5000 exceeds");
    }

    [Fact]
    public void Open_HeaderThatIsNotUtf8_IsRejected()
    {
        var path = temp.File("latin1.safetensors");
        File.WriteAllBytes(path, new SafetensorsBytesBuilder().Build([(byte)'{', (byte)'"', 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}']));

        AssertRejected(path, null, "not valid UTF-8");
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("{\"w\":", "not valid JSON")]
    [InlineData("{} trailing", "not valid JSON")]
    [InlineData("{,}", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("[1, 2]", "not a JSON object")]
    [InlineData("\"text\"", "not a JSON object")]
    public void Open_HeaderThatIsNotAJsonObject_IsRejected(string header, string expected)
    {
        var path = Write(new SafetensorsBytesBuilder().WithRawHeader(header));

        AssertRejected(path, null, expected);
    }

    [Fact]
    public void Open_DuplicateTensorKeys_AreRejected()
    {
        var path = Write(new SafetensorsBytesBuilder()
            .AddEntry("w", "F32", [1], 0, 4)
            .AddEntry("w", "F32", [1], 4, 8)
            .AddData(new byte[8]));

        AssertRejected(path, null, "duplicate key \"w\"");
    }

    [Fact]
    public void Open_DuplicateMetadataKeys_AreRejected()
    {
        var path = Write(new SafetensorsBytesBuilder().WithRawMetadata("{\"a\":\"1\",\"a\":\"2\"}"));

        AssertRejected(path, null, "__metadata__ has duplicate key \"a\"");
    }

    [Theory]
    [InlineData("5", "must be an object")]
    [InlineData("[0, 4]", "must be an object")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1]}", "missing data_offsets")]
    [InlineData("{\"shape\":[1],\"data_offsets\":[0,4]}", "missing dtype")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}", "unexpected field \"extra\"")]
    [InlineData("{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", "duplicate field \"dtype\"")]
    [InlineData("{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}", "unknown dtype \"F33\"")]
    [InlineData("{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}", "dtype must be a string")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}", "shape must be a list of non-negative integers, found -1")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}", "shape must be a list of non-negative integers, found 1.0")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}", "shape must be a list of non-negative integers, found a string")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":1,\"data_offsets\":[0,4]}", "shape must be a list")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[18446744073709551616],\"data_offsets\":[0,4]}", "found 18446744073709551616")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4]}", "found 1")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}", "found more than 2 values")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[\"0\",4]}", "data_offsets must be a list of two non-negative integers")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}", "data_offsets [4, 0] begin after they end")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}", "span 4 bytes but shape [2] of F32 needs 8")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}", "lie outside the 4-byte data section")]
    public void Open_MalformedTensorEntries_AreRejectedNamingTheTensor(string entry, string expected)
    {
        var path = Write(new SafetensorsBytesBuilder().AddRawEntry("layer.0.w", entry).AddData(new byte[4]));

        AssertRejected(path, "layer.0.w", expected);
    }

    [Fact]
    public void Open_ShapeOf2Pow40By2Pow40_OverflowsWithoutAllocating()
    {
        var path = Write(new SafetensorsBytesBuilder().AddEntry("big", "F32", [1L << 40, 1L << 40], 0, 4).AddData(new byte[4]));

        var before = GC.GetAllocatedBytesForCurrentThread();
        AssertRejected(path, "big", "overflows a 64-bit byte count");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "rejecting the shape allocated more than 1 MiB");
    }

    [Fact]
    public void Open_TensorClaimingMoreBytesThanTheFileHolds_IsRejectedWithoutAllocating()
    {
        var path = Write(new SafetensorsBytesBuilder().AddEntry("big", "F32", [1L << 40], 0, 4L << 40).AddData(new byte[16]));

        var before = GC.GetAllocatedBytesForCurrentThread();
        AssertRejected(path, "big", "lie outside the 16-byte data section");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "rejecting the tensor allocated more than 1 MiB");
    }

    [Fact]
    public void Open_OverlappingTensors_AreRejected()
    {
        var path = Write(new SafetensorsBytesBuilder()
            .AddEntry("a", "F32", [2], 0, 8)
            .AddEntry("b", "F32", [2], 4, 12)
            .AddData(new byte[12]));

        AssertRejected(path, "b", "overlap tensor \"a\" [0, 8]");
    }

    [Fact]
    public void Open_HoleBetweenTensors_IsRejected()
    {
        var path = Write(new SafetensorsBytesBuilder()
            .AddEntry("a", "F32", [1], 0, 4)
            .AddEntry("b", "F32", [1], 8, 12)
            .AddData(new byte[12]));

        AssertRejected(path, "b", "hole of 4 bytes after tensor \"a\"");
    }

    [Fact]
    public void Open_FirstTensorNotStartingAtZero_IsRejected()
    {
        var path = Write(new SafetensorsBytesBuilder().AddEntry("a", "F32", [1], 4, 8).AddData(new byte[8]));

        AssertRejected(path, "a", "hole of 4 bytes after the start of the data section");
    }

    [Fact]
    public void Open_DataAfterTheLastTensor_IsRejected()
    {
        var path = Write(new SafetensorsBytesBuilder().AddFloat32("a", [1], 1f).AddData(new byte[3]));

        AssertRejected(path, null, "3 trailing bytes that no tensor covers after tensor \"a\"");
    }

    [Fact]
    public void Open_TensorsListedOutOfOffsetOrder_AreAccepted()
    {
        var path = Write(new SafetensorsBytesBuilder()
            .AddEntry("second", "F32", [1], 4, 8)
            .AddEntry("first", "F32", [1], 0, 4)
            .AddData(new byte[8]));

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["second", "first"], file.Tensors.Select(t => t.Name));
    }

    [Theory]
    [InlineData("{\"a\":1}", "\"a\" is a number")]
    [InlineData("{\"a\":null}", "\"a\" is null")]
    [InlineData("[\"a\"]", "found a list")]
    [InlineData("\"format\"", "found a string")]
    public void Open_MetadataThatIsNotStringToString_IsRejected(string metadata, string expected)
    {
        var path = Write(new SafetensorsBytesBuilder().WithRawMetadata(metadata));

        AssertRejected(path, null, "__metadata__ must be an object mapping strings to strings");
        AssertRejected(path, null, expected);
    }

    [Fact]
    public void Open_NamesWithControlCharacters_MessagesStayOnOneLine()
    {
        var path = Write(new SafetensorsBytesBuilder().AddEntry("bad\nname", "F99", [1], 0, 4).AddData(new byte[4]));

        var e = Assert.Throws<UserInputException>(() => SafetensorsFile.Open(path));
        Assert.Contains("bad\\u000aname", e.Message);
    }

    private string Write(SafetensorsBytesBuilder builder) => builder.WriteTo(temp.File($"{Guid.NewGuid():N}.safetensors"));

    private static void AssertRejected(string path, string? tensor, string expected)
    {
        var e = Assert.Throws<UserInputException>(() => SafetensorsFile.Open(path));
        Assert.StartsWith(path + ": ", e.Message);
        if (tensor is not null)
        {
            Assert.Contains($"tensor \"{tensor}\"", e.Message);
        }

        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
