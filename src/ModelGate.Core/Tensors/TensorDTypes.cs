using ModelGate.Core.Errors;

namespace ModelGate.Core.Tensors;

/// <summary>Facts about <see cref="TensorDType"/> values that the reader, writer and converters share.</summary>
public static class TensorDTypes
{
    /// <summary>Bytes per element.</summary>
    public static int SizeOf(TensorDType dtype) => dtype switch
    {
        TensorDType.F64 or TensorDType.I64 or TensorDType.U64 => 8,
        TensorDType.F32 or TensorDType.I32 or TensorDType.U32 => 4,
        TensorDType.F16 or TensorDType.BF16 or TensorDType.I16 or TensorDType.U16 => 2,
        TensorDType.I8 or TensorDType.U8 or TensorDType.BOOL or TensorDType.F8_E4M3 or TensorDType.F8_E5M2 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown tensor dtype."),
    };

    /// <summary>
    /// Parses a dtype as spelled in a safetensors header. The match is exact (the format is case-sensitive),
    /// and numeric strings are refused because <see cref="Enum.TryParse{TEnum}(string, out TEnum)"/> would accept "3".
    /// Unknown names are a <see cref="UserInputException"/>, since dtype names come from files and command lines; the message
    /// names no file, because only the caller knows where the name came from (the reader adds file and tensor itself).
    /// </summary>
    public static TensorDType Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (TryParse(name, out var dtype))
        {
            return dtype;
        }

        throw new UserInputException($"unknown dtype \"{name}\" (expected one of {string.Join(", ", Enum.GetNames<TensorDType>())})");
    }

    internal static bool TryParse(string name, out TensorDType dtype)
    {
        // Enum.IsDefined on the parsed value alone would still accept "1" or " F32"; comparing names is exact.
        foreach (var candidate in Enum.GetValues<TensorDType>())
        {
            if (string.Equals(Name(candidate), name, StringComparison.Ordinal))
            {
                dtype = candidate;
                return true;
            }
        }

        dtype = default;
        return false;
    }

    /// <summary>The dtype as spelled in a safetensors header.</summary>
    public static string Name(TensorDType dtype) => dtype switch
    {
        TensorDType.F64 => "F64",
        TensorDType.F32 => "F32",
        TensorDType.F16 => "F16",
        TensorDType.BF16 => "BF16",
        TensorDType.I64 => "I64",
        TensorDType.I32 => "I32",
        TensorDType.I16 => "I16",
        TensorDType.I8 => "I8",
        TensorDType.U8 => "U8",
        TensorDType.U16 => "U16",
        TensorDType.U32 => "U32",
        TensorDType.U64 => "U64",
        TensorDType.BOOL => "BOOL",
        TensorDType.F8_E4M3 => "F8_E4M3",
        TensorDType.F8_E5M2 => "F8_E5M2",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown tensor dtype."),
    };

    public static bool IsFloatingPoint(TensorDType dtype) => dtype switch
    {
        TensorDType.F64 or TensorDType.F32 or TensorDType.F16 or TensorDType.BF16
            or TensorDType.F8_E4M3 or TensorDType.F8_E5M2 => true,
        _ => false,
    };
}
