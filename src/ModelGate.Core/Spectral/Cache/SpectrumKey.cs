using System.Buffers;
using System.IO.Hashing;
using System.Text;
using ModelGate.Core.Adapters;
using ModelGate.Core.Tensors;

namespace ModelGate.Core.Spectral.Cache;

/// <summary>
/// Names a base matrix by its content: the same weights hit the same entry wherever the model folder lives and
/// whatever the tensor is called, and one changed byte names another entry.
/// </summary>
/// <param name="Hex">32 lowercase hex digits of an XxHash128.</param>
public readonly record struct SpectrumKey(string Hex)
{
    /// <summary>Bumped whenever what is hashed, or what a cached spectrum means, changes; old entries then simply miss.</summary>
    internal const string FormatVersion = "modelgate-spectrum-key/1";

    /// <summary>Tensors up to this many bytes are hashed straight from the mapping; larger ones (which no span can hold) in chunks.</summary>
    internal const long SingleSpanLimit = int.MaxValue;

    private const int ChunkBytes = 64 << 20;

    public override string ToString() => Hex;

    /// <summary>
    /// Hashes a format version, the dtype name, the stored shape, the layout and the tensor's bytes. The layout is
    /// part of the key because the same bytes read transposed are another matrix with another spectrum.
    /// </summary>
    public static SpectrumKey Compute(ModelWeights weights, TensorInfo tensor, MatrixLayout layout) =>
        Compute(weights, tensor, layout, SingleSpanLimit, ChunkBytes);

    /// <summary>The limits are parameters so that tests can take the chunked path with a small tensor.</summary>
    internal static SpectrumKey Compute(ModelWeights weights, TensorInfo tensor, MatrixLayout layout, long singleSpanLimit, int chunkBytes)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(tensor);
        var hash = new XxHash128();
        var prefix = $"{FormatVersion}\n{TensorDTypes.Name(tensor.DType)}\n{string.Join(',', tensor.Shape)}\n{layout}\n";
        hash.Append(Encoding.UTF8.GetBytes(prefix));
        if (tensor.ByteLength <= singleSpanLimit)
        {
            hash.Append(weights.GetBytes(tensor));
        }
        else
        {
            var buffer = ArrayPool<byte>.Shared.Rent(chunkBytes);
            try
            {
                for (long offset = 0; offset < tensor.ByteLength; offset += chunkBytes)
                {
                    var chunk = buffer.AsSpan(0, (int)Math.Min(chunkBytes, tensor.ByteLength - offset));
                    weights.CopyBytes(tensor, offset, chunk);
                    hash.Append(chunk);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return new SpectrumKey(Convert.ToHexStringLower(hash.GetCurrentHash()));
    }

    /// <summary>Whether <see cref="Hex"/> can name a file in the cache: exactly 32 lowercase hex digits, so never a path.</summary>
    public bool IsWellFormed =>
        Hex is { Length: 32 } && Hex.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
