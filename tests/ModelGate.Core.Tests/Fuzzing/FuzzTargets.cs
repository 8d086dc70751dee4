using System.Buffers.Binary;
using System.Text;
using ModelGate.Core.Adapters;
using ModelGate.Core.Gating;
using ModelGate.Core.Tensors;
using ModelGate.Demo;
using ModelGate.Forgetting.Metrics;
using ModelGate.Testing.Tensors;

namespace ModelGate.Core.Tests.Fuzzing;

/// <summary>
/// The parsers of files a user hands the tool, each called through the entry point the CLI uses, with valid seeds
/// built here in code (shaped like what transformers, PEFT and our own templates write).
/// </summary>
internal static class FuzzTargets
{
    public static readonly FuzzTarget Safetensors = new(
        "safetensors",
        "model.safetensors",
        [
            new SafetensorsBytesBuilder()
                .WithMetadata(new Dictionary<string, string> { ["format"] = "pt" })
                .AddFloat32("model.layers.0.self_attn.q_proj.weight", [2, 2], 1f, -2f, 0.5f, float.MaxValue)
                .AddTensor("model.layers.0.self_attn.q_proj.bias", "BF16", [3], [0x80, 0x3F, 0x00, 0xC0, 0x7F, 0x7F])
                .AddTensor("lm_head.weight", "F16", [1, 2], [0x00, 0x3C, 0xFF, 0xFB])
                .AddTensor("position_ids", "I64", [1], BitConverter.GetBytes(7L))
                .AddTensor("empty", "U8", [0], [])
                .Build(),
            new SafetensorsBytesBuilder()
                .AddTensor("scale", "F64", [], BitConverter.GetBytes(0.125))
                .AddTensor("mask", "BOOL", [4], [1, 0, 1, 1])
                .AddTensor("fp8.e4m3", "F8_E4M3", [2], [0x38, 0xB8])
                .AddTensor("fp8.e5m2", "F8_E5M2", [2], [0x3C, 0x7B])
                .AddTensor("ids", "I32", [1, 1, 1], BitConverter.GetBytes(-3))
                .AddTensor("u16", "U16", [2], [1, 0, 255, 255])
                .WithoutPadding()
                .Build(),
            new SafetensorsBytesBuilder().WithMetadata(new Dictionary<string, string>()).Build(),
        ],
        ParseSafetensors)
    {
        Dictionary = [.. Enum.GetNames<TensorDType>(), "dtype", "shape", "data_offsets", "__metadata__"],
        Mutate = MutateSafetensors,
        Envelope = SafetensorsHeaderOf,
    };

    public static readonly FuzzTarget AdapterConfigFile = new(
        "adapter-config",
        AdapterConfig.FileName,
        [
            Utf8("""
                {
                  "alpha_pattern": {},
                  "auto_mapping": { "base_model_class": "GPT2LMHeadModel", "parent_library": "transformers.models.gpt2.modeling_gpt2" },
                  "base_model_name_or_path": null,
                  "bias": "none",
                  "exclude_modules": null,
                  "fan_in_fan_out": true,
                  "inference_mode": true,
                  "layers_pattern": null,
                  "layers_to_transform": null,
                  "loftq_config": {},
                  "lora_alpha": 16,
                  "lora_bias": false,
                  "lora_dropout": 0.0,
                  "modules_to_save": null,
                  "peft_type": "LORA",
                  "peft_version": "0.21.0",
                  "r": 8,
                  "rank_pattern": {},
                  "revision": null,
                  "target_modules": ["c_fc", "c_attn"],
                  "target_parameters": null,
                  "task_type": null,
                  "use_dora": false,
                  "use_rslora": false
                }
                """),
            Utf8("""
                {
                  "alpha_pattern": { "v_proj": 32 },
                  "base_model_name_or_path": "meta-llama/Llama-2-7b-hf",
                  "lora_alpha": 16,
                  "peft_type": "LORA",
                  "r": 8,
                  "rank_pattern": { "q_proj": 4, "model.layers.1.mlp.down_proj": 2.0 },
                  "target_modules": ".*\\.(q_proj|v_proj|down_proj)",
                  "use_rslora": true
                }
                """),
            Utf8("""
                {
                  "peft_type": "LORA",
                  "r": 4,
                  "lora_alpha": 8.5,
                  "use_dora": true,
                  "target_modules": ["query", "value"],
                  "exclude_modules": ["classifier"],
                  "modules_to_save": ["classifier", "score"],
                  "layers_to_transform": [0, 2],
                  "layers_pattern": "layer",
                  "fan_in_fan_out": false
                }
                """),
        ],
        path => AdapterConfig.Load(Path.GetDirectoryName(path)!));

    public static readonly FuzzTarget Policy = new(
        "policy",
        "policy.json",
        [
            Utf8(GatePolicyLoader.DefaultJson()),
            Utf8("""
                {
                  "$schema": "https://example.com/intruder-gate-policy.schema.json",
                  // Comments and trailing commas are allowed.
                  "analysis": { "k": 20, "epsilon": 0.25, "method": "full-svd", "modules": "self_attn\\.(q|v)_proj$" },
                  "failOn": "warn",
                  "intruders": {
                    "total": 3,
                    "perModule": [
                      { "match": "*.q_proj", "warn": 1, "fail": 2 },
                      { "match": "regex:layers\\.[0-9]+\\.mlp", "fail": 4 },
                    ],
                    "perLayer": null,
                    "growth": { "warn": 1 }
                  },
                  "baseline": "baselines/verdict.json",
                  "forgetting": {
                    "corpus": "eval/corpus.jsonl",
                    "tasks": ["eval/arc.jsonl", "eval/piqa.jsonl"],
                    "perplexityIncreasePct": { "warn": 1.5, "fail": null },
                    "pseudoLossIncrease": null,
                    "accuracyDropPts": 2
                  }
                }
                """),
            Utf8("""{ "intruders": { "perModule": [] }, "forgetting": { "tasks": null } }"""),
        ],
        path => GatePolicyLoader.LoadFile(path))
    {
        Dictionary = ["auto", "full-svd", "fail", "warn", "never", "match", "regex:", "total", "perModule", "perLayer", "growth"],
    };

    public static readonly FuzzTarget CorpusJsonLines = new(
        "corpus-jsonl",
        "corpus.jsonl",
        [
            Utf8("""
                {"text": "The quick brown fox jumps over the lazy dog."}

                {"text": "Zwei Boxkämpfer jagen Eva quer durch Sylt.\nSecond line.", "source": "wiki", "id": 2}
                {"text": "   "}
                {"text": "日本語のテキスト 😀 \u00e9\t\"quoted\""}
                """),
            Utf8("{\"text\":\"one\"}\r\n{\"text\":\"two\"}\r\n"),
        ],
        path => TextCorpus.Read(path));

    public static readonly FuzzTarget MultipleChoiceJsonLines = new(
        "multiple-choice-jsonl",
        "task.jsonl",
        [
            Utf8("""
                {"context": "The capital of France is", "choices": [" Paris", " Rome", " Berlin"], "label": 0}
                {"query": "Question: 2 + 2 =", "endings": [" 3", " 4"], "gold": 1}

                {"question": "Which is a fruit?", "options": ["apple", "carrot"], "answer": "apple"}
                {"ctx": "Ein Satz", "choices": ["a", "b", "c", "d"], "label": "3", "id": "x-1"}
                """),
        ],
        path => MultipleChoiceTask.Read(path))
    {
        Dictionary = ["context", "query", "question", "ctx", "choices", "endings", "options", "label", "gold", "answer"],
    };

    public static readonly FuzzTarget Baseline = new(
        "baseline",
        "baseline.json",
        [
            Utf8("""
                {
                  "kind": "modelgate.verdict",
                  "schemaVersion": 1,
                  "verdict": "warn",
                  "analysis": {
                    "schemaVersion": 1,
                    "kind": "adapter",
                    "tuned": ["adapters/v2"],
                    "k": 10,
                    "epsilon": 0.5,
                    "totalIntruders": 3,
                    "modules": [
                      { "name": "model.layers.0.self_attn.q_proj", "intruders": 2 },
                      { "name": "model.layers.1.mlp.down_proj", "intruders": 1 }
                    ]
                  }
                }
                """),
            Utf8("""{ "schemaVersion": 1, "kind": "full-fine-tune", "tuned": ["a", "b"], "k": 5, "epsilon": 0.25, "totalIntruders": 0, "modules": [] }"""),
        ],
        path => GateBaselineLoader.LoadAsync(path, CancellationToken.None))
    {
        Dictionary = ["modelgate.verdict", "adapter", "full-fine-tune", "pass", "warn", "fail"],
    };

    public static readonly IReadOnlyList<FuzzTarget> All = [Safetensors, AdapterConfigFile, Policy, Baseline, CorpusJsonLines, MultipleChoiceJsonLines];

    public static FuzzTarget Named(string name) => All.Single(t => t.Name == name);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Opens the file and converts every tensor, as analysis does after opening.</summary>
    private static void ParseSafetensors(string path)
    {
        using var file = SafetensorsFile.Open(path);
        foreach (var tensor in file.Tensors)
        {
            _ = file.ReadFloat32(tensor);
        }
    }

    private static (byte[] Body, Func<byte[], byte[]> Rebuild) SafetensorsHeaderOf(byte[] input)
    {
        var claimed = input.Length >= 8 ? BinaryPrimitives.ReadUInt64LittleEndian(input) : ulong.MaxValue;
        if (input.Length < 8 || claimed > (ulong)(input.Length - 8))
        {
            return (input, static body => body);
        }

        var data = input[(8 + (int)claimed)..];
        return (input[8..(8 + (int)claimed)], header => WithHeader(header, data));
    }

    private static byte[] WithHeader(byte[] header, byte[] data)
    {
        var result = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)header.Length);
        header.CopyTo(result, 8);
        data.CopyTo(result, 8 + header.Length);
        return result;
    }

    /// <summary>
    /// Mostly mutates the header JSON and rewrites the length prefix to match (else nearly every mutant would stop at
    /// the prefix check), sometimes resizing the data section; now and then mutates the raw file, prefix included.
    /// </summary>
    private static byte[] MutateSafetensors(byte[] input, DeterministicRandom random, Mutator mutator, Func<byte[]> other)
    {
        var claimed = input.Length >= 8 ? BinaryPrimitives.ReadUInt64LittleEndian(input) : ulong.MaxValue;
        if (input.Length < 8 || claimed > (ulong)(input.Length - 8) || Mutator.Below(random, 5) == 0)
        {
            return mutator.Mutate(input, random, other);
        }

        var header = mutator.Mutate(input[8..(8 + (int)claimed)], random, other);
        var data = input[(8 + (int)claimed)..];
        data = Mutator.Below(random, 4) switch
        {
            0 => data[..Mutator.Below(random, data.Length + 1)],
            1 => [.. data, .. new byte[1 + Mutator.Below(random, 8)]],
            _ => data,
        };
        return WithHeader(header, data);
    }
}
