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
    F8_E4M3,
    F8_E5M2,
}
