using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace ModelGate.Core.Tensors;

/// <summary>
/// Converts little-endian tensor bytes to and from float32 without allocating.
/// Source spans may come straight from a memory-mapped file, so nothing here assumes alignment:
/// BinaryPrimitives reads compile to plain (unaligned-safe) loads on little-endian machines.
/// </summary>
public static class DTypeConversion
{
    /// <summary>
    /// Decodes <paramref name="source"/> (whole elements of <paramref name="dtype"/>) into <paramref name="destination"/>,
    /// which must hold exactly one float per element. Integers convert with float rounding, BOOL to 0/1,
    /// F8_E4M3 is the "fn" variant (no infinities) that torch.float8_e4m3fn and safetensors use.
    /// </summary>
    public static void ToFloat32(ReadOnlySpan<byte> source, TensorDType dtype, Span<float> destination)
    {
        var size = TensorDTypes.SizeOf(dtype);
        CheckLengths(source.Length, size, destination.Length);
        switch (dtype)
        {
            case TensorDType.F32:
                if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                }
                else
                {
                    for (var i = 0; i < destination.Length; i++)
                    {
                        destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * 4)..]);
                    }
                }

                break;
            case TensorDType.F16:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(source[(i * 2)..]);
                }

                break;
            case TensorDType.BF16:
                for (var i = 0; i < destination.Length; i++)
                {
                    // bf16 is the top half of a float32, so widening is exact.
                    destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[(i * 2)..]) << 16);
                }

                break;
            case TensorDType.F64:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(source[(i * 8)..]);
                }

                break;
            case TensorDType.I64:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadInt64LittleEndian(source[(i * 8)..]);
                }

                break;
            case TensorDType.U64:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadUInt64LittleEndian(source[(i * 8)..]);
                }

                break;
            case TensorDType.I32:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadInt32LittleEndian(source[(i * 4)..]);
                }

                break;
            case TensorDType.U32:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadUInt32LittleEndian(source[(i * 4)..]);
                }

                break;
            case TensorDType.I16:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadInt16LittleEndian(source[(i * 2)..]);
                }

                break;
            case TensorDType.U16:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadUInt16LittleEndian(source[(i * 2)..]);
                }

                break;
            case TensorDType.I8:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = (sbyte)source[i];
                }

                break;
            case TensorDType.U8:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = source[i];
                }

                break;
            case TensorDType.BOOL:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = source[i] != 0 ? 1f : 0f;
                }

                break;
            case TensorDType.F8_E4M3:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = Float8E4M3ToFloat32(source[i]);
                }

                break;
            case TensorDType.F8_E5M2:
                for (var i = 0; i < destination.Length; i++)
                {
                    // e5m2 is the top byte of an IEEE half, so widening through Half is exact, inf and NaN included.
                    destination[i] = (float)BitConverter.UInt16BitsToHalf((ushort)(source[i] << 8));
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown tensor dtype.");
        }
    }

    /// <summary>
    /// Encodes <paramref name="source"/> as <paramref name="dtype"/> into <paramref name="destination"/>
    /// (exactly <c>source.Length * SizeOf(dtype)</c> bytes). Supports F32, F16, BF16 and F64: those are the dtypes
    /// model weights are stored in, and converting floats to integers would need a rounding policy nobody asked for.
    /// </summary>
    public static void FromFloat32(ReadOnlySpan<float> source, TensorDType dtype, Span<byte> destination)
    {
        var size = TensorDTypes.SizeOf(dtype);
        CheckLengths(destination.Length, size, source.Length);
        switch (dtype)
        {
            case TensorDType.F32:
                if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.AsBytes(source).CopyTo(destination);
                }
                else
                {
                    for (var i = 0; i < source.Length; i++)
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(destination[(i * 4)..], source[i]);
                    }
                }

                break;
            case TensorDType.F16:
                for (var i = 0; i < source.Length; i++)
                {
                    // The float -> Half conversion rounds to nearest even and keeps NaN, inf and subnormals, like torch.
                    BinaryPrimitives.WriteHalfLittleEndian(destination[(i * 2)..], (Half)source[i]);
                }

                break;
            case TensorDType.BF16:
                for (var i = 0; i < source.Length; i++)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(destination[(i * 2)..], Float32ToBFloat16Bits(source[i]));
                }

                break;
            case TensorDType.F64:
                for (var i = 0; i < source.Length; i++)
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(destination[(i * 8)..], source[i]);
                }

                break;
            default:
                throw new NotSupportedException(
                    $"Converting float32 to {TensorDTypes.Name(dtype)} is not supported; only F32, F16, BF16 and F64 are.");
        }
    }

    /// <summary>
    /// torch's c10::BFloat16 round_to_nearest_even: add 0x7FFF plus the lowest kept bit, then truncate.
    /// Every NaN becomes torch's canonical 0x7FC0 (truncating could otherwise turn a NaN with only low payload bits into inf).
    /// </summary>
    internal static ushort Float32ToBFloat16Bits(float value)
    {
        if (float.IsNaN(value))
        {
            return 0x7FC0;
        }

        var bits = BitConverter.SingleToUInt32Bits(value);
        var roundingBias = ((bits >> 16) & 1) + 0x7FFFu;
        return (ushort)((bits + roundingBias) >> 16);
    }

    /// <summary>float8_e4m3fn: bias 7, no infinities, S.1111.111 is NaN, so the largest finite value is 448.</summary>
    internal static float Float8E4M3ToFloat32(byte value)
    {
        var negative = (value & 0x80) != 0;
        var exponent = (value >> 3) & 0xF;
        var mantissa = value & 0x7;
        float magnitude;
        if (exponent == 0xF && mantissa == 0x7)
        {
            return float.NaN;
        }
        else if (exponent == 0)
        {
            magnitude = mantissa * (1f / 512f);
        }
        else
        {
            magnitude = (1f + (mantissa / 8f)) * MathF.ScaleB(1f, exponent - 7);
        }

        return negative ? -magnitude : magnitude;
    }

    private static void CheckLengths(int byteLength, int elementSize, int elementCount)
    {
        if (byteLength % elementSize != 0 || byteLength / elementSize != elementCount)
        {
            throw new ArgumentException(
                $"{byteLength} bytes of {elementSize}-byte elements do not match {elementCount} float32 values.");
        }
    }
}
