using System.Runtime.InteropServices;
using ModelGate.Core.Tensors;
using static TorchSharp.torch;

namespace ModelGate.Torch.Runtime;

/// <summary>Moves tensors between safetensors files and TorchSharp, always through float32.</summary>
public static class TorchTensors
{
    public static Tensor LoadFloat32(ModelWeights weights, TensorInfo info, Device device) =>
        FromArray(weights.ReadFloat32(info), info.Shape, device);

    public static Tensor LoadFloat32(SafetensorsFile file, TensorInfo info, Device device) =>
        FromArray(file.ReadFloat32(info), info.Shape, device);

    /// <summary>
    /// A tensor over <paramref name="values"/> without copying them on the CPU (<c>torch.tensor</c> clones the array:
    /// twice the memory and time for a large matrix); copied once when the device is a GPU.
    /// </summary>
    public static Tensor FromArray(float[] values, ReadOnlySpan<long> shape, Device device)
    {
        var t = frombuffer(values, ScalarType.Float32).reshape(shape.ToArray());
        return device.type == TorchSharp.DeviceType.CPU ? t : t.to(device);
    }

    /// <summary>
    /// <see cref="NonFiniteValues.ThrowIfAny(ReadOnlySpan{float}, long, string)"/> for a computed tensor (a merged
    /// weight): the inputs were checked as they were read, so a NaN or infinity here means their arithmetic overflowed.
    /// On the CPU the span check reads the tensor's memory in place (measured ~40× cheaper than isfinite().all(),
    /// which materialises a bool tensor); elsewhere one reduction runs on the device and only a failing tensor is copied.
    /// </summary>
    public static void ThrowIfNotFinite(Tensor t, string subject)
    {
        if (t.device_type == TorchSharp.DeviceType.CPU && t.dtype == ScalarType.Float32 && t.is_contiguous() && t.numel() <= int.MaxValue / sizeof(float))
        {
            NonFiniteValues.ThrowIfAny(MemoryMarshal.Cast<byte, float>(t.bytes), 0, subject);
            return;
        }

        using var finite = isfinite(t).all();
        if (!finite.item<bool>())
        {
            NonFiniteValues.ThrowIfAny(ToArray(t), 0, subject);
        }
    }

    /// <summary>The values of a float32 tensor, row-major, on the CPU.</summary>
    public static float[] ToArray(Tensor t) =>
        t.to_type(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
}
