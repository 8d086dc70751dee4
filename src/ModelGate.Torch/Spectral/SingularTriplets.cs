using static TorchSharp.torch;

namespace ModelGate.Torch.Spectral;

/// <summary>
/// The top singular values and vectors an iterative solver found, with how well they satisfy
/// ‖M·v − σ·u‖ (relative to σ₁), so a report can state the tolerance reached rather than assume it.
/// </summary>
public sealed record SingularTriplets(Tensor U, Tensor S, Tensor V, double RelativeResidual, int BasisSize, bool Converged);
