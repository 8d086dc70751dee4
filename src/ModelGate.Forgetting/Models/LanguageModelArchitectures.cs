using ModelGate.Core.Errors;
using static TorchSharp.torch;

namespace ModelGate.Forgetting.Models;

/// <summary>
/// The architectures ModelGate runs, keyed by config.json's <c>model_type</c>. Adding one is a
/// <see cref="LanguageModelModule"/> subclass and one line here.
/// </summary>
public static class LanguageModelArchitectures
{
    private static readonly IReadOnlyDictionary<string, Func<ModelConfig, TensorPlacement, LanguageModelModule>> Factories =
        new Dictionary<string, Func<ModelConfig, TensorPlacement, LanguageModelModule>>(StringComparer.Ordinal)
        {
            ["llama"] = (config, placement) => new LlamaFamilyModel(config, placement),
            ["mistral"] = (config, placement) => new LlamaFamilyModel(config, placement),
            ["qwen2"] = (config, placement) => new LlamaFamilyModel(config, placement),
            ["gpt2"] = (config, placement) => new Gpt2Model(config, placement),
            ["bert"] = (config, placement) => new BertFamilyModel(config, placement),
            ["roberta"] = (config, placement) => new BertFamilyModel(config, placement),
        };

    public static IReadOnlyList<string> SupportedModelTypes { get; } = [.. Factories.Keys.Order(StringComparer.Ordinal)];

    /// <summary>
    /// The module for <paramref name="config"/>, its parameters allocated on <paramref name="device"/> in
    /// <paramref name="dtype"/> but not yet filled (a loader copies the checkpoint in; a trainer initialises them).
    /// </summary>
    public static LanguageModelModule Create(ModelConfig config, Device device, ScalarType dtype)
    {
        var modelType = config.ModelType;
        if (!Factories.TryGetValue(modelType, out var factory))
        {
            throw new UserInputException(
                $"{config.Path}: model_type '{modelType}' is not supported for forgetting benchmarks (supported: {string.Join(", ", SupportedModelTypes)})");
        }

        return factory(config, new TensorPlacement(device, dtype));
    }
}
