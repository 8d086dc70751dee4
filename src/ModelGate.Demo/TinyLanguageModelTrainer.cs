using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelGate.Core.Adapters;
using ModelGate.Core.IO;
using ModelGate.Core.Tensors;
using ModelGate.Forgetting.Models;
using ModelGate.Torch.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelGate.Demo;

/// <summary>
/// Trains the forgetting demo's models for real, with autograd and AdamW on the same modules the benchmarks run:
/// a small LLaMA-shaped model pre-trained from scratch and saved as transformers saves one (config.json,
/// model.safetensors, tokenizer files), and LoRA adapters trained on that frozen base and saved as PEFT saves them
/// (adapter_config.json, adapter_model.safetensors with <c>base_model.model.….lora_A.weight</c> keys). Runs on the
/// CPU in float32; deterministic for a seed on a given machine.
/// </summary>
public static class TinyLanguageModelTrainer
{
    /// <summary>Pre-trains a model on <paramref name="tokens"/> (a token stream) and writes it, with <paramref name="tokenizer"/>, into <paramref name="folder"/>.</summary>
    public static TrainingRun TrainBase(ByteLevelBpe tokenizer, IReadOnlyList<int> tokens, TinyModelTrainingSettings settings, string folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(settings);
        var config = Config(settings, tokenizer);
        using var module = LanguageModelArchitectures.Create(ModelConfig.FromJson(config, Path.Combine(folder, ModelConfig.FileName)), CPU, ScalarType.Float32);
        Initialise(module, settings.Seed);
        var parameters = module.parameters().ToArray();
        var run = Train(module, parameters, tokens, settings.SequenceLength, settings.BatchSize, settings.Steps, settings.LearningRate,
            settings.WeightDecay, DeterministicRandom.For(settings.Seed, "batches"), cancellationToken);

        Directory.CreateDirectory(folder);
        WriteTensors(Path.Combine(folder, ShardFileNames.SingleFileName), module.named_parameters().Select(p => (p.name, (Tensor)p.parameter)));
        var indented = new JsonSerializerOptions { WriteIndented = true };
        AtomicFile.WriteAllText(Path.Combine(folder, ModelConfig.FileName), config.ToJsonString(indented));
        AtomicFile.WriteAllText(Path.Combine(folder, "generation_config.json"),
            new JsonObject { ["bos_token_id"] = tokenizer.EndOfTextId, ["eos_token_id"] = tokenizer.EndOfTextId }.ToJsonString(indented));
        tokenizer.Save(folder);
        return run with { Folder = folder, TrainableParameters = parameters.Sum(p => p.numel()) };
    }

    /// <summary>Trains a LoRA adapter on the frozen model in <paramref name="baseFolder"/> and writes it as PEFT does into <paramref name="adapterFolder"/>.</summary>
    public static TrainingRun TrainAdapter(string baseFolder, IReadOnlyList<int> tokens, LoraTrainingSettings settings, string adapterFolder,
        string? baseModelNameOrPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var module = new LanguageModelLoader().LoadModule(baseFolder, new LanguageModelOptions { Device = "cpu" }, out _);
        foreach (var p in module.parameters())
        {
            p.requires_grad = false;
        }

        var targets = module.named_modules()
            .Where(m => m.module is LinearLayer && settings.TargetModules.Contains(m.name.Split('.')[^1]) && m.name.Contains(".layers.", StringComparison.Ordinal))
            .Select(m => (m.name, Layer: (LinearLayer)m.module))
            .ToArray();
        if (targets.Length == 0)
        {
            throw new ArgumentException($"no module of {baseFolder} matches target modules {string.Join(", ", settings.TargetModules)}");
        }

        foreach (var (name, layer) in targets)
        {
            var bound = 1.0 / Math.Sqrt(layer.InFeatures);
            var rng = DeterministicRandom.For(settings.Seed, name);
            var initialA = Enumerable.Range(0, (int)(settings.Rank * layer.InFeatures)).Select(_ => (float)((2 * rng.NextDouble() - 1) * bound)).ToArray();
            layer.AttachLowRank(settings.Rank, settings.Alpha / settings.Rank, initialA);
        }

        var parameters = targets.SelectMany(t => new[] { t.Layer.LowRank!.Value.A, t.Layer.LowRank!.Value.B }).ToArray();
        var run = Train(module, parameters, tokens, settings.SequenceLength, settings.BatchSize, settings.Steps, settings.LearningRate,
            0.0, DeterministicRandom.For(settings.Seed, "batches"), cancellationToken);

        Directory.CreateDirectory(adapterFolder);
        WriteTensors(Path.Combine(adapterFolder, LoraAdapter.WeightsFileName), targets.SelectMany(t => new[]
        {
            ($"base_model.model.{t.name}.lora_A.weight", (Tensor)t.Layer.LowRank!.Value.A),
            ($"base_model.model.{t.name}.lora_B.weight", (Tensor)t.Layer.LowRank!.Value.B),
        }));
        WriteAdapterConfig(adapterFolder, settings, baseModelNameOrPath ?? Path.GetFullPath(baseFolder));
        return run with { Folder = adapterFolder, TrainableParameters = parameters.Sum(p => p.numel()) };
    }

    /// <summary>
    /// Fine-tunes every parameter of the model in <paramref name="baseFolder"/> (the paper's control for LoRA) and writes
    /// the tuned model with the base's config and tokenizer files into <paramref name="tunedFolder"/>.
    /// </summary>
    public static TrainingRun FineTuneFully(string baseFolder, IReadOnlyList<int> tokens, FullFineTuneSettings settings, string tunedFolder,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var module = new LanguageModelLoader().LoadModule(baseFolder, new LanguageModelOptions { Device = "cpu" }, out _);
        var parameters = module.parameters().ToArray();
        foreach (var p in parameters)
        {
            p.requires_grad = true;
        }

        var run = Train(module, parameters, tokens, settings.SequenceLength, settings.BatchSize, settings.Steps, settings.LearningRate,
            settings.WeightDecay, DeterministicRandom.For(settings.Seed, "batches"), cancellationToken);

        Directory.CreateDirectory(tunedFolder);
        foreach (var file in ModelFiles.Companions(baseFolder))
        {
            File.Copy(file, Path.Combine(tunedFolder, Path.GetFileName(file)), overwrite: true);
        }

        WriteTensors(Path.Combine(tunedFolder, ShardFileNames.SingleFileName), module.named_parameters().Select(p => (p.name, (Tensor)p.parameter)));
        return run with { Folder = tunedFolder, TrainableParameters = parameters.Sum(p => p.numel()) };
    }

    /// <summary>Next-token cross-entropy on random windows of the stream; AdamW, linear warm-up over 10% of the steps, then cosine to 10%.</summary>
    private static TrainingRun Train(LanguageModelModule module, Parameter[] parameters, IReadOnlyList<int> tokens, int length, int batchSize, int steps,
        double learningRate, double weightDecay, DeterministicRandom rng, CancellationToken cancellationToken)
    {
        if (tokens.Count < length + 2)
        {
            throw new ArgumentException($"{tokens.Count} tokens are too few for windows of {length + 1}", nameof(tokens));
        }

        var clock = Stopwatch.StartNew();
        // These matrices are tiny: spreading each op over libtorch's intra-op threads costs more than it saves, and on a
        // busy 2-core machine it was 10x slower (3 s vs 0.33 s a step). Process-wide, so restored afterwards.
        var threads = get_num_threads();
        set_num_threads(1);
        try
        {
            return TrainSingleThreaded(module, parameters, tokens, length, batchSize, steps, learningRate, weightDecay, rng, clock, cancellationToken);
        }
        finally
        {
            set_num_threads(threads);
        }
    }

    private static TrainingRun TrainSingleThreaded(LanguageModelModule module, Parameter[] parameters, IReadOnlyList<int> tokens, int length, int batchSize,
        int steps, double learningRate, double weightDecay, DeterministicRandom rng, Stopwatch clock, CancellationToken cancellationToken)
    {
        module.train();
        using var optimizer = optim.AdamW(parameters, learningRate, weight_decay: weightDecay);
        var warmup = Math.Max(1, steps / 10);
        var losses = new double[steps];
        for (var step = 0; step < steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var rate = step < warmup
                ? learningRate * (step + 1) / warmup
                : learningRate * (0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * (step - warmup) / Math.Max(1, steps - warmup))));
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = rate;
            }

            var windows = new long[batchSize * (length + 1)];
            for (var b = 0; b < batchSize; b++)
            {
                var start = (int)(rng.NextUInt64() % (ulong)(tokens.Count - length - 1));
                for (var i = 0; i <= length; i++)
                {
                    windows[(b * (length + 1)) + i] = tokens[start + i];
                }
            }

            var batch = tensor(windows, [batchSize, length + 1]);
            var logits = module.forward(batch.narrow(1, 0, length), null);
            var loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), batch.narrow(1, 1, length).reshape(-1));
            optimizer.zero_grad();
            loss.backward();
            nn.utils.clip_grad_norm_(parameters, 1.0);
            optimizer.step();
            losses[step] = loss.item<float>();
        }

        module.eval();
        var tail = Math.Max(1, steps / 10);
        return new TrainingRun("", steps, 0, losses[0], losses[^tail..].Average(), clock.Elapsed);
    }

    /// <summary>As transformers initialises LLaMA: normal(0, 0.02) for matrices and embeddings, ones for norms (from <see cref="DeterministicRandom"/>).</summary>
    private static void Initialise(LanguageModelModule module, ulong seed)
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (name.EndsWith("norm.weight", StringComparison.Ordinal))
            {
                parameter.fill_(1.0);
            }
            else if (name.EndsWith(".bias", StringComparison.Ordinal))
            {
                parameter.zero_();
            }
            else
            {
                var values = DeterministicRandom.For(seed, name).Gaussian(parameter.numel()).Select(v => (float)(v * 0.02)).ToArray();
                parameter.copy_(tensor(values, parameter.shape));
            }
        }
    }

    private static JsonObject Config(TinyModelTrainingSettings s, ByteLevelBpe tokenizer) => new()
    {
        ["architectures"] = new JsonArray("LlamaForCausalLM"),
        ["model_type"] = "llama",
        ["hidden_size"] = s.Hidden,
        ["intermediate_size"] = s.Intermediate,
        ["num_hidden_layers"] = s.Layers,
        ["num_attention_heads"] = s.Heads,
        ["num_key_value_heads"] = s.KeyValueHeads,
        ["head_dim"] = s.Hidden / s.Heads,
        ["vocab_size"] = tokenizer.Vocabulary.Count,
        ["hidden_act"] = "silu",
        ["max_position_embeddings"] = 256,
        ["rms_norm_eps"] = 1e-6,
        ["rope_theta"] = 10000.0,
        ["attention_bias"] = false,
        ["mlp_bias"] = false,
        ["tie_word_embeddings"] = true,
        ["bos_token_id"] = tokenizer.EndOfTextId,
        ["eos_token_id"] = tokenizer.EndOfTextId,
        ["dtype"] = "float32",
        ["modelgate_trained"] = $"TinyLanguageModelTrainer seed {s.Seed.ToString(CultureInfo.InvariantCulture)}, {s.Steps} steps",
    };

    private static void WriteTensors(string path, IEnumerable<(string Name, Tensor Values)> tensors)
    {
        var list = tensors.Select(t => (t.Name, Values: TorchTensors.ToArray(t.Values.detach()), Shape: t.Values.shape)).ToArray();
        // The writer fills a temporary file and renames it on Commit: no half-written weights.
        using var writer = SafetensorsWriter.Create(path, list.Select(t => new TensorSpec(t.Name, TensorDType.F32, t.Shape)).ToArray(),
            new Dictionary<string, string> { ["format"] = "pt" });
        foreach (var (name, values, _) in list)
        {
            writer.WriteTensorFloat32(name, values);
        }

        writer.Commit();
    }

    private static void WriteAdapterConfig(string folder, LoraTrainingSettings s, string baseModel)
    {
        var config = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = "CAUSAL_LM",
            ["base_model_name_or_path"] = baseModel,
            ["r"] = s.Rank,
            ["lora_alpha"] = s.Alpha,
            ["lora_dropout"] = 0.0,
            ["use_rslora"] = false,
            ["use_dora"] = false,
            ["fan_in_fan_out"] = false,
            ["bias"] = "none",
            ["target_modules"] = new JsonArray(s.TargetModules.Select(m => (JsonNode)JsonValue.Create(m)!).ToArray()),
            ["rank_pattern"] = new JsonObject(),
            ["alpha_pattern"] = new JsonObject(),
            ["modules_to_save"] = null,
            ["inference_mode"] = true,
        };
        AtomicFile.WriteAllText(Path.Combine(folder, AdapterConfig.FileName), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
