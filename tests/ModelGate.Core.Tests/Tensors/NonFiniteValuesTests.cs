using ModelGate.Core.Errors;
using ModelGate.Core.Tensors;
using ModelGate.Testing;
using ModelGate.Testing.Tensors;

namespace ModelGate.Core.Tests.Tensors;

public sealed class NonFiniteValuesTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData(TensorDType.F64, float.NaN)]
    [InlineData(TensorDType.F64, float.NegativeInfinity)]
    [InlineData(TensorDType.F32, float.NaN)]
    [InlineData(TensorDType.F32, float.PositiveInfinity)]
    [InlineData(TensorDType.F16, float.NaN)]
    [InlineData(TensorDType.F16, float.PositiveInfinity)]
    [InlineData(TensorDType.BF16, float.NaN)]
    [InlineData(TensorDType.BF16, float.NegativeInfinity)]
    [InlineData(TensorDType.F8_E4M3, float.NaN)]
    [InlineData(TensorDType.F8_E5M2, float.NaN)]
    [InlineData(TensorDType.F8_E5M2, float.PositiveInfinity)]
    public void IndexOf_EveryFloatingDType_GivesTheFirstNonFiniteElement(TensorDType dtype, float bad)
    {
        foreach (var at in new[] { 0, 517, 999 })
        {
            var values = Enumerable.Range(0, 1000).Select(i => (i % 7) - 3f).ToArray();
            values[at] = bad;

            Assert.Equal(at, NonFiniteValues.IndexOf(Encode(values, dtype), dtype));
        }
    }

    [Theory]
    [InlineData(TensorDType.F64, float.MaxValue)]
    [InlineData(TensorDType.F32, float.MaxValue)]
    [InlineData(TensorDType.F16, 65504f)]
    [InlineData(TensorDType.BF16, 3.3895314e38f)]
    [InlineData(TensorDType.F8_E4M3, 448f)]
    [InlineData(TensorDType.F8_E5M2, 57344f)]
    public void IndexOf_LargestFiniteZerosAndSubnormals_AreFinite(TensorDType dtype, float largest)
    {
        float[] values = [largest, -largest, 0f, -0f, 1e-45f, 1f, .. Enumerable.Repeat(-largest, 100)];

        Assert.Equal(-1, NonFiniteValues.IndexOf(Encode(values, dtype), dtype));
    }

    [Fact]
    public void IndexOf_IntegerData_IsNeverNonFiniteWhateverItsBits()
    {
        var bits = BitConverter.GetBytes(0x7FC0_0000u);

        Assert.Equal(-1, NonFiniteValues.IndexOf(bits, TensorDType.I32));
        Assert.Equal(-1, NonFiniteValues.IndexOf(bits, TensorDType.U8));
    }

    [Fact]
    public void ReadFloat32_TensorWithANaN_NamesTheFileTheTensorAndTheElement()
    {
        var values = new float[3000];
        values[2500] = float.NaN;
        var path = new SafetensorsBytesBuilder()
            .AddFloat32("ok", [2], 1f, 2f)
            .AddTensor("layer.weight", "BF16", [3000], Encode(values, TensorDType.BF16))
            .WriteTo(temp.File("m.safetensors"));
        using var file = SafetensorsFile.Open(path);

        var read = Assert.Throws<UserInputException>(() => file.ReadFloat32(file.Get("layer.weight")));
        var scanned = Assert.Throws<UserInputException>(() => file.CheckAllFinite(CancellationToken.None));

        Assert.Equal($"{path}: tensor \"layer.weight\" has NaN at element 2500 (non-finite weights cannot be analysed)", read.Message);
        Assert.Equal(read.Message, scanned.Message);
    }

    [Fact]
    public void ReadFloat32_Float64BeyondFloat32Range_IsRefused()
    {
        var path = new SafetensorsBytesBuilder()
            .AddTensor("big", "F64", [2], [.. BitConverter.GetBytes(1.0), .. BitConverter.GetBytes(1e300)])
            .WriteTo(temp.File("m.safetensors"));
        using var file = SafetensorsFile.Open(path);

        var e = Assert.Throws<UserInputException>(() => file.ReadFloat32(file.Get("big")));

        Assert.Contains("tensor \"big\" has +Inf at element 1", e.Message);
    }

    private static byte[] Encode(float[] values, TensorDType dtype)
    {
        if (dtype is TensorDType.F8_E4M3 or TensorDType.F8_E5M2)
        {
            // No float32 → float8 writer: each value becomes the byte that decodes closest to it (NaN to a NaN).
            var decoded = new float[256];
            DTypeConversion.ToFloat32([.. Enumerable.Range(0, 256).Select(b => (byte)b)], dtype, decoded);
            return [.. values.Select(v => (byte)Enumerable.Range(0, 256).MinBy(b => float.IsNaN(v) ? (float.IsNaN(decoded[b]) ? 0 : 1)
                : float.IsNaN(decoded[b]) ? double.MaxValue : v == decoded[b] ? 0 : Math.Abs((double)v - decoded[b])))];
        }

        var bytes = new byte[values.Length * TensorDTypes.SizeOf(dtype)];
        DTypeConversion.FromFloat32(values, dtype, bytes);
        return bytes;
    }
}
