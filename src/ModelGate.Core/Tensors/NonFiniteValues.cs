using System.Numerics;
using System.Runtime.InteropServices;
using ModelGate.Core.Errors;

namespace ModelGate.Core.Tensors;

/// <summary>
/// The one check for NaN and infinities in weights, run on every tensor as it is read, so that a broken checkpoint is
/// refused naming its file, tensor and element instead of failing deep inside an SVD. In every floating format a
/// safetensors file can hold, a value is NaN or infinite exactly when its exponent bits are all ones (float8_e4m3fn has
/// no infinities and spends only S.1111.111 on NaN, so there the mantissa bits belong to the mask too): one masked
/// compare per element, vectorised, at memory speed. Raw bytes are read as little-endian, as safetensors stores them.
/// </summary>
public static class NonFiniteValues
{
    /// <summary>Index of the first NaN or infinity in <paramref name="values"/>, or -1.</summary>
    public static int IndexOf(ReadOnlySpan<float> values) => IndexOf(MemoryMarshal.Cast<float, uint>(values), 0x7F80_0000u);

    /// <summary>Index (in elements) of the first NaN or infinity in raw <paramref name="dtype"/> data, or -1; never for integer types.</summary>
    public static int IndexOf(ReadOnlySpan<byte> data, TensorDType dtype) => dtype switch
    {
        TensorDType.F64 => IndexOf(MemoryMarshal.Cast<byte, ulong>(data), 0x7FF0_0000_0000_0000ul),
        TensorDType.F32 => IndexOf(MemoryMarshal.Cast<byte, uint>(data), 0x7F80_0000u),
        TensorDType.F16 => IndexOf(MemoryMarshal.Cast<byte, ushort>(data), (ushort)0x7C00),
        TensorDType.BF16 => IndexOf(MemoryMarshal.Cast<byte, ushort>(data), (ushort)0x7F80),
        TensorDType.F8_E4M3 => IndexOf(data, (byte)0x7F),
        TensorDType.F8_E5M2 => IndexOf(data, (byte)0x7C),
        _ => -1,
    };

    /// <summary>
    /// Throws the user error for the first non-finite value of <paramref name="values"/>, which are elements
    /// <paramref name="firstElement"/>… of what <paramref name="subject"/> names (see <see cref="Subject"/>).
    /// </summary>
    public static void ThrowIfAny(ReadOnlySpan<float> values, long firstElement, string subject)
    {
        var i = IndexOf(values);
        if (i >= 0)
        {
            throw Error(subject, firstElement + i, values[i]);
        }
    }

    /// <inheritdoc cref="ThrowIfAny(ReadOnlySpan{float}, long, string)"/>
    public static void ThrowIfAny(ReadOnlySpan<byte> data, TensorDType dtype, long firstElement, string subject)
    {
        var i = IndexOf(data, dtype);
        if (i >= 0)
        {
            var size = TensorDTypes.SizeOf(dtype);
            Span<float> value = stackalloc float[1];
            DTypeConversion.ToFloat32(data.Slice(i * size, size), dtype, value);
            throw Error(subject, firstElement + i, value[0]);
        }
    }

    /// <summary>How errors name a stored tensor: its file, then the tensor.</summary>
    public static string Subject(string file, string tensor) => $"{file}: tensor {MessageText.Quote(tensor)}";

    private static UserInputException Error(string subject, long element, float value) =>
        new($"{subject} has {(float.IsNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf")} at element {element} (non-finite weights cannot be analysed)");

    private static int IndexOf<T>(ReadOnlySpan<T> bits, T mask)
        where T : unmanaged, IBinaryInteger<T>
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && bits.Length >= Vector<T>.Count)
        {
            var masks = new Vector<T>(mask);
            var lanes = MemoryMarshal.Cast<T, Vector<T>>(bits);
            while (i < lanes.Length && !Vector.EqualsAny(lanes[i] & masks, masks))
            {
                i++;
            }

            // From here on scalar: either the tail, or the lane holding the first hit.
            i *= Vector<T>.Count;
        }

        for (; i < bits.Length; i++)
        {
            if ((bits[i] & mask) == mask)
            {
                return i;
            }
        }

        return -1;
    }
}
