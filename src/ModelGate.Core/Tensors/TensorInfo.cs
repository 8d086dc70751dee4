namespace ModelGate.Core.Tensors;

/// <summary>
/// One tensor's entry in a safetensors header. <see cref="DataStart"/> and <see cref="DataEnd"/> are byte offsets
/// relative to the start of the data section (as in the file), not to the start of the file.
/// </summary>
/// <param name="FilePath">Full path of the file holding the tensor, so that errors and sharded readers can name it.</param>
public sealed record TensorInfo(string Name, TensorDType DType, long[] Shape, long DataStart, long DataEnd, string FilePath)
{
    /// <summary>Product of <see cref="Shape"/>; 1 for a scalar (empty shape). Checked: the reader rejected overflowing shapes.</summary>
    public long ElementCount => TensorShapes.ElementCount(Shape);

    public long ByteLength => DataEnd - DataStart;
}
