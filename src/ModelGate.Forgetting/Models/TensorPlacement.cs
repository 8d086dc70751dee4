using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelGate.Forgetting.Models;

/// <summary>
/// Where and in which dtype a model's parameters are created. Parameters are made in place rather than moved
/// afterwards, so a model never exists twice (once on the CPU, once on the GPU) while it loads.
/// </summary>
internal readonly record struct TensorPlacement(Device Device, ScalarType DType)
{
    public static TensorPlacement CpuFloat32 => new(CPU, ScalarType.Float32);

    public Parameter NewParameter(params long[] shape) => new(empty(shape, DType, Device));
}
