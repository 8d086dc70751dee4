namespace ModelGate.Core.Tensors;

public static class TensorShapes
{
    /// <summary>Checked product, so a hostile or mistaken shape fails loudly instead of wrapping to a small size.</summary>
    public static long ElementCount(long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"Shape dimension {dim} is negative.", nameof(shape));
            }

            count = checked(count * dim);
        }

        return count;
    }

    public static string Format(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape) + "]";
}
