using System.Buffers.Binary;
using ModelGate.Core.Tensors;

namespace ModelGate.Core.Tests.Tensors;

public sealed class DTypeConversionTests
{
    [Theory]
    [InlineData(1.0f, (ushort)0x3C00)]
    [InlineData(-2.5f, (ushort)0xC100)]
    [InlineData(65504f, (ushort)0x7BFF)]
    [InlineData(65520f, (ushort)0x7C00)] // halfway to the next power: rounds to even, which overflows to inf
    [InlineData(5.9604645e-8f, (ushort)0x0001)] // 2^-24, the smallest F16 subnormal
    [InlineData(6.097555e-5f, (ushort)0x03FF)] // the largest F16 subnormal
    [InlineData(0f, (ushort)0x0000)]
    [InlineData(-0f, (ushort)0x8000)]
    [InlineData(float.PositiveInfinity, (ushort)0x7C00)]
    public void FromFloat32_Float16_EncodesLikeIeeeHalf(float value, ushort expectedBits)
    {
        var bytes = new byte[2];
        DTypeConversion.FromFloat32([value], TensorDType.F16, bytes);
        Assert.Equal(expectedBits, BinaryPrimitives.ReadUInt16LittleEndian(bytes));

        var back = new float[1];
        DTypeConversion.ToFloat32(bytes, TensorDType.F16, back);
        Assert.Equal((float)BitConverter.UInt16BitsToHalf(expectedBits), back[0]);
    }

    [Theory]
    [InlineData(1.0f, (ushort)0x3F80)]
    [InlineData(-2.5f, (ushort)0xC020)]
    [InlineData(1.00390625f, (ushort)0x3F80)] // exactly halfway between 1.0 and 1.0078125: ties to even goes down
    [InlineData(1.01171875f, (ushort)0x3F82)] // exactly halfway between 1.0078125 and 1.015625: ties to even goes up
    [InlineData(1.0039065f, (ushort)0x3F81)] // just above halfway rounds up
    [InlineData(3.4028235e38f, (ushort)0x7F80)] // float.MaxValue rounds to inf, as in torch
    [InlineData(9.18355e-41f, (ushort)0x0001)] // smallest BF16 subnormal (2^-133) survives
    [InlineData(float.NegativeInfinity, (ushort)0xFF80)]
    [InlineData(-0f, (ushort)0x8000)]
    public void FromFloat32_BFloat16_RoundsToNearestEvenLikeTorch(float value, ushort expectedBits)
    {
        var bytes = new byte[2];
        DTypeConversion.FromFloat32([value], TensorDType.BF16, bytes);
        Assert.Equal(expectedBits, BinaryPrimitives.ReadUInt16LittleEndian(bytes));

        var back = new float[1];
        DTypeConversion.ToFloat32(bytes, TensorDType.BF16, back);
        Assert.Equal(BitConverter.Int32BitsToSingle(expectedBits << 16), back[0]);
    }

    [Theory]
    [InlineData(0x7FC00000u)]
    [InlineData(0xFFC00000u)]
    [InlineData(0x7F800001u)] // NaN whose payload sits only in the bits truncation drops: must not become inf
    public void FromFloat32_BFloat16_KeepsNaNAsTorchCanonicalNaN(uint nanBits)
    {
        var bytes = new byte[2];
        DTypeConversion.FromFloat32([BitConverter.UInt32BitsToSingle(nanBits)], TensorDType.BF16, bytes);
        Assert.Equal(0x7FC0, BinaryPrimitives.ReadUInt16LittleEndian(bytes));

        var back = new float[1];
        DTypeConversion.ToFloat32(bytes, TensorDType.BF16, back);
        Assert.True(float.IsNaN(back[0]));
    }

    [Fact]
    public void FromFloat32_Float16_KeepsNaN()
    {
        var bytes = new byte[2];
        DTypeConversion.FromFloat32([float.NaN], TensorDType.F16, bytes);
        var back = new float[1];
        DTypeConversion.ToFloat32(bytes, TensorDType.F16, back);
        Assert.True(float.IsNaN(back[0]));
    }

    [Theory]
    [InlineData(TensorDType.F32)]
    [InlineData(TensorDType.F64)]
    public void FromFloat32_WideFloatTypes_RoundTripEveryFloatExactly(TensorDType dtype)
    {
        float[] values = [1f, -2.5f, 65504f, 1e-45f, float.MaxValue, float.NegativeInfinity, 0.1f, float.NaN];
        var bytes = new byte[values.Length * TensorDTypes.SizeOf(dtype)];
        DTypeConversion.FromFloat32(values, dtype, bytes);
        var back = new float[values.Length];
        DTypeConversion.ToFloat32(bytes, dtype, back);
        Assert.Equal(values, back);
    }

    [Fact]
    public void ToFloat32_UnalignedSourceBytes_AreAccepted()
    {
        var buffer = new byte[1 + 12];
        DTypeConversion.FromFloat32([1f, 2f, 3f], TensorDType.F32, buffer.AsSpan(1));
        var back = new float[3];
        DTypeConversion.ToFloat32(buffer.AsSpan(1), TensorDType.F32, back);
        Assert.Equal([1f, 2f, 3f], back);
    }

    [Fact]
    public void ToFloat32_IntegerAndBoolTypes_ConvertToTheirValues()
    {
        Assert.Equal([-128f, 127f], Decode(TensorDType.I8, [0x80, 0x7F]));
        Assert.Equal([255f, 0f], Decode(TensorDType.U8, [0xFF, 0x00]));
        Assert.Equal([-2f], Decode(TensorDType.I16, [0xFE, 0xFF]));
        Assert.Equal([65535f], Decode(TensorDType.U16, [0xFF, 0xFF]));
        Assert.Equal([-1f], Decode(TensorDType.I32, [0xFF, 0xFF, 0xFF, 0xFF]));
        Assert.Equal([4294967295f], Decode(TensorDType.U32, [0xFF, 0xFF, 0xFF, 0xFF]));
        Assert.Equal([-3f], Decode(TensorDType.I64, BitConverter.GetBytes(-3L)));
        Assert.Equal([18446744073709551615f], Decode(TensorDType.U64, BitConverter.GetBytes(ulong.MaxValue)));
        Assert.Equal([0f, 1f, 1f], Decode(TensorDType.BOOL, [0, 1, 2]));
    }

    [Fact]
    public void ToFloat32_Float8Types_DecodeLikeTorch()
    {
        // e4m3fn: 0x38 = 1.0, 0x7E = 448 (largest finite), 0x7F = NaN (no infinities), 0x01 = 2^-9, 0xC0 = -2.
        var e4m3 = Decode(TensorDType.F8_E4M3, [0x38, 0x7E, 0x01, 0xC0, 0x7F]);
        Assert.Equal([1f, 448f, 1f / 512f, -2f], e4m3[..4]);
        Assert.True(float.IsNaN(e4m3[4]));

        // e5m2 is the top byte of a half: 0x3C = 1.0, 0x7B = 57344, 0x7C = inf, 0x01 = 2^-16.
        Assert.Equal([1f, 57344f, float.PositiveInfinity, 1f / 65536f], Decode(TensorDType.F8_E5M2, [0x3C, 0x7B, 0x7C, 0x01]));
    }

    [Fact]
    public void ToAndFromFloat32_MismatchedLengths_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => DTypeConversion.ToFloat32(new byte[6], TensorDType.F32, new float[2]));
        Assert.Throws<ArgumentException>(() => DTypeConversion.ToFloat32(new byte[8], TensorDType.F32, new float[3]));
        Assert.Throws<ArgumentException>(() => DTypeConversion.FromFloat32(new float[2], TensorDType.BF16, new byte[3]));
    }

    [Fact]
    public void FromFloat32_ToIntegerDType_IsNotSupported()
    {
        var e = Assert.Throws<NotSupportedException>(() => DTypeConversion.FromFloat32(new float[1], TensorDType.I32, new byte[4]));
        Assert.Contains("I32", e.Message);
    }

    private static float[] Decode(TensorDType dtype, byte[] bytes)
    {
        var result = new float[bytes.Length / TensorDTypes.SizeOf(dtype)];
        DTypeConversion.ToFloat32(bytes, dtype, result);
        return result;
    }
}
