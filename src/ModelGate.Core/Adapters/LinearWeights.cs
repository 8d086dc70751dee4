using System.Text.Json;
using ModelGate.Core.IO;
using ModelGate.Core.Tensors;

namespace ModelGate.Core.Adapters;

/// <summary>
/// Which tensors of a model are the linear layers a full fine-tune is compared on, and how each is stored.
/// </summary>
public static class LinearWeights
{
    // transformers models whose blocks use Conv1D (weights stored in × out).
    private static readonly HashSet<string> Conv1DModelTypes = new(StringComparer.Ordinal) { "gpt2", "openai-gpt", "imagegpt" };

    // Embeddings and the output head are lookup tables / tied copies, not the block matrices the paper studies.
    private static readonly string[] NotLinear =
        ["embed", "wte.", "wpe.", "word_embeddings", "position_embeddings", "token_type_embeddings", "lm_head", "shared."];

    public static bool IsLinear(TensorInfo t) =>
        t.Shape.Length == 2
        && t.Name.EndsWith(".weight", StringComparison.Ordinal)
        && !NotLinear.Any(n => t.Name.Contains(n, StringComparison.Ordinal));

    /// <summary>The layout of a model's linear weights, from <c>config.json</c>'s <c>model_type</c>.</summary>
    public static MatrixLayout LayoutOf(string modelFolder)
    {
        var path = Path.Combine(modelFolder, "config.json");
        if (!File.Exists(path))
        {
            return MatrixLayout.AsStored;
        }

        try
        {
            using var doc = JsonDocument.Parse(BoundedFile.ReadAllBytes(path, BoundedFile.ConfigLimit, "model config"));
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("model_type", out var type)
                && type.ValueKind == JsonValueKind.String
                && Conv1DModelTypes.Contains(type.GetString()!)
                ? MatrixLayout.Transposed
                : MatrixLayout.AsStored;
        }
        catch (JsonException e)
        {
            throw new Errors.UserInputException($"{path}: not valid JSON ({e.Message})");
        }
    }
}
