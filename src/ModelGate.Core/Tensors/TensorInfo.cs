namespace ModelGate.Core.Tensors;

/// <summary>
/// One tensor's entry in a safetensors header. <see cref="DataStart"/> and <see cref="DataEnd"/> are byte offsets
/// relative to the start of the data section (as in the file), not to the start of the file.
/// </summary>
/// <param name="Name">The tensor's key in the header.</param>
/// <param name="DType">Its element type, from the header's <c>dtype</c>.</param>
/// <param name="Shape">Its dimensions, outermost first; empty for a scalar.</param>
/// <param name="DataStart">First byte of its data, from the start of the data section.</param>
/// <param name="DataEnd">One past its last byte, from the start of the data section.</param>
/// <param name="FilePath">Full path of the file holding the tensor, so that errors and sharded readers can name it.</param>
public sealed record TensorInfo(string Name, TensorDType DType, long[] Shape, long DataStart, long DataEnd, string FilePath)
{
    /// <summary>Product of <see cref="Shape"/>; 1 for a scalar (empty shape). Checked: the reader rejected overflowing shapes.</summary>
    public long ElementCount => TensorShapes.ElementCount(Shape);

    public long ByteLength => DataEnd - DataStart;
}
