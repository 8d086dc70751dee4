namespace ModelGate.Core.Tensors;

/// <summary>What in a Hugging Face model folder is weights, and what travels with them (config, tokenizer, card).</summary>
public static class ModelFiles
{
    private static readonly string[] WeightFilePatterns =
        ["*.safetensors", "*.safetensors.index.json", "*.bin", "*.bin.index.json", "*.pt", "*.pth", "*.ckpt", "*.h5", "*.msgpack", "*.gguf"];

    /// <summary>The top-level files of <paramref name="folder"/> that are not weights (hidden files excluded).</summary>
    public static IEnumerable<string> Companions(string folder)
    {
        var weights = WeightFilePatterns.SelectMany(p => Directory.EnumerateFiles(folder, p)).ToHashSet(StringComparer.Ordinal);
        return Directory.EnumerateFiles(folder).Where(f => !weights.Contains(f) && !Path.GetFileName(f).StartsWith('.'));
    }
}
