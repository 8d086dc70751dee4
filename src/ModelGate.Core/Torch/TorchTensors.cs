using ModelGate.Core.Tensors;
using static TorchSharp.torch;

namespace ModelGate.Core.Torch;

/// <summary>Moves tensors between safetensors files and TorchSharp, always through float32.</summary>
public static class TorchTensors
{
    public static Tensor LoadFloat32(ModelWeights weights, TensorInfo info, Device device) =>
        tensor(weights.ReadFloat32(info), info.Shape, device: device);

    public static Tensor LoadFloat32(SafetensorsFile file, TensorInfo info, Device device) =>
        tensor(file.ReadFloat32(info), info.Shape, device: device);

    /// <summary>The values of a float32 tensor, row-major, on the CPU.</summary>
    public static float[] ToArray(Tensor t) =>
        t.to_type(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
}
