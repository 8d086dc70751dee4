using System.Diagnostics.CodeAnalysis;

namespace ModelGate.Core.Tensors;

/// <summary>
/// Element types a safetensors file can declare. Names match the file format's spelling so that
/// <see cref="TensorDTypes.Name"/> and <see cref="TensorDTypes.Parse"/> round-trip without a lookup table.
/// </summary>
public enum TensorDType
{
    F64,
    F32,
    F16,
    BF16,
    I64,
    I32,
    I16,
    I8,
    U8,
    U16,
    U32,
    U64,
    BOOL,
    [SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "The safetensors dtype name, spelled as the format does so that names round-trip without a table.")]
    F8_E4M3,
    [SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "The safetensors dtype name, spelled as the format does so that names round-trip without a table.")]
    F8_E5M2,
}
