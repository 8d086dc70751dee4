using ModelGate.Torch.Runtime;
using static TorchSharp.torch;

namespace ModelGate.Torch.Spectral.Cache;

/// <summary>
/// The thin SVD W0 = U·diag(S)·Vᵀ of a base weight matrix in analysis orientation (rows × cols = out × in), float32,
/// as <c>torch.linalg.svd(W0, full_matrices=False)</c> gives it, with V = Vhᵀ. All arrays are row-major:
/// <see cref="U"/> is Rows × p and <see cref="V"/> is Cols × p (their columns are the singular vectors),
/// <see cref="S"/> holds the p = min(Rows, Cols) singular values in descending order.
/// </summary>
public sealed record BaseSpectrum(long Rows, long Cols, float[] U, float[] S, float[] V)
{
    /// <summary>p = min(Rows, Cols): the number of singular triplets.</summary>
    public int Rank => S.Length;

    /// <summary>U, S and V as float32 tensors on <paramref name="device"/> (in the caller's dispose scope).</summary>
    public (Tensor U, Tensor S, Tensor V) ToTensors(Device device) =>
        (TorchTensors.FromArray(U, [Rows, Rank], device), TorchTensors.FromArray(S, [Rank], device), TorchTensors.FromArray(V, [Cols, Rank], device));
}
