using ModelGate.Core.Tensors;

namespace ModelGate.Testing.Adapters;

/// <summary>
/// Writes an adapter folder exactly as given — any config text, any tensor names and shapes — for the cases the
/// well-formed <c>LoraAdapterBuilder</c> cannot express (broken, unusual or older PEFT layouts).
/// </summary>
public static class RawAdapterWriter
{
    public static string Write(string folder, string configJson, params (string Name, long[] Shape, Func<int, float> Value)[] tensors)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "adapter_config.json"), configJson);
        var specs = tensors.Select(t => new TensorSpec(t.Name, TensorDType.F32, t.Shape)).ToArray();
        using var writer = SafetensorsWriter.Create(Path.Combine(folder, "adapter_model.safetensors"), specs, null);
        foreach (var (name, shape, value) in tensors)
        {
            var count = (int)shape.Aggregate(1L, (a, b) => a * b);
            writer.WriteTensorFloat32(name, Enumerable.Range(0, count).Select(value).ToArray());
        }

        writer.Commit();
        return folder;
    }

    /// <summary>Small deterministic values that differ per element, so a transposition shows.</summary>
    public static Func<int, float> Ramp(float scale) => i => scale * (((i * 37) % 17) - 8);
}
