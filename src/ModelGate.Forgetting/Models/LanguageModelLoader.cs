using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core.Adapters;
using ModelGate.Core.Tensors;
using ModelGate.Torch.Runtime;

namespace ModelGate.Forgetting.Models;

/// <summary>
/// Loads a Hugging Face model folder (config.json + safetensors, sharded or not) as an <see cref="ILanguageModel"/>,
/// with PEFT adapters merged into its weights in memory: the model the benchmarks measure is exactly the one
/// <c>merge</c> would write, without writing it.
/// </summary>
public sealed class LanguageModelLoader(ILogger<LanguageModelLoader>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<LanguageModelLoader>.Instance;

    public ILanguageModel Load(string modelFolder, LanguageModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var module = LoadModule(modelFolder, options, out var device);
        return new LoadedLanguageModel(module, device);
    }

    /// <summary>The trainable module itself, filled from the checkpoint (and adapters); the caller owns it.</summary>
    public LanguageModelModule LoadModule(string modelFolder, LanguageModelOptions options, out TorchSharp.torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Options and config are checked before native code loads, so bad input fails fast and without libtorch.
        var dtype = options.ScalarType();
        var config = ModelConfig.Read(modelFolder);
        device = TorchDeviceSelector.Select(options.Device);

        using var weights = ModelWeights.Open(modelFolder);
        using var adapters = options.Adapters.Count > 0 ? AdapterStack.Load(options.Adapters) : null;
        foreach (var warning in adapters?.Warnings ?? [])
        {
            _logger.LogWarning("{Warning}", warning);
        }

        var updates = adapters is null ? [] : MergePlanner.Plan(weights, adapters.Adapters);
        var module = LanguageModelArchitectures.Create(config, device, dtype);
        try
        {
            CheckpointParameters.Load(module, weights, updates, device);
        }
        catch
        {
            module.Dispose();
            throw;
        }

        _logger.LogDebug("Loaded {ModelType} from {Folder} on {Device} as {DType} with {Adapters} adapter(s) merged",
            config.ModelType, modelFolder, device, dtype, options.Adapters.Count);
        return module;
    }
}
