namespace ModelGate.Core.Tensors;

/// <summary>What a writer needs to know about a tensor before its bytes arrive: the header is written first.</summary>
public sealed record TensorSpec(string Name, TensorDType DType, long[] Shape)
{
    public long ElementCount => TensorShapes.ElementCount(Shape);

    public long ByteLength => checked(ElementCount * TensorDTypes.SizeOf(DType));
}
