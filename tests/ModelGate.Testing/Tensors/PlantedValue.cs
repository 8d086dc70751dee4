using System.Buffers.Binary;
using ModelGate.Core.Tensors;

namespace ModelGate.Testing.Tensors;

/// <summary>Overwrites one element of a tensor in a safetensors file in place, the way a broken checkpoint carries a NaN.</summary>
public static class PlantedValue
{
    /// <summary>Writes <paramref name="value"/> at <paramref name="element"/> of the F32 tensor <paramref name="tensor"/>; returns the file.</summary>
    public static string Write(string file, string tensor, long element, float value)
    {
        long offset;
        using (var reader = SafetensorsFile.Open(file))
        {
            var info = reader.Get(tensor);
            if (info.DType != TensorDType.F32 || element < 0 || element >= info.ElementCount)
            {
                throw new ArgumentException($"{tensor} is {info.DType} with {info.ElementCount} elements; cannot plant a float at {element}");
            }

            offset = info.DataStart + (element * 4);
        }

        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        Span<byte> bytes = stackalloc byte[8];
        stream.ReadExactly(bytes);
        stream.Position = 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes) + offset;
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        stream.Write(bytes[..4]);
        return file;
    }
}
