using System.Text.Json.Nodes;
using ModelGate.Core.Adapters;
using ModelGate.Core.Provenance;
using ModelGate.Core.Registries;
using ModelGate.Testing;
using ModelGate.Testing.Adapters;

namespace ModelGate.Core.Tests.Provenance;

public sealed class ProvenanceInspectorTests : IDisposable
{
    private const string Q = "base_model.model.model.layers.0.self_attn.q_proj";
    private const string CommitA = "01c7f73d771dfac7d292323805ebc428287df4f9";
    private const string CommitB = "9a1b2c3d4e5f60718293a4b5c6d7e8f901234567";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>An adapter whose config says what PEFT would have written, and a base folder with an optional _name_or_path.</summary>
    private AdapterProvenance Inspect(string? declared, string? revision, string baseFolderName, string? nameOrPath, string? display = null, string? pinned = null, float b = 0.01f)
    {
        var config = new JsonObject { ["r"] = 2, ["lora_alpha"] = 4, ["target_modules"] = new JsonArray("q_proj"), ["base_model_name_or_path"] = declared, ["revision"] = revision };
        var adapterFolder = RawAdapterWriter.Write(_dir.File("adapter-" + Guid.NewGuid().ToString("N")[..8]), config.ToJsonString(),
            (Q + ".lora_A.weight", [2, 16], RawAdapterWriter.Ramp(0.01f)), (Q + ".lora_B.weight", [16, 2], _ => b));
        var baseFolder = Directory.CreateDirectory(Path.Combine(_dir.File("bases-" + Guid.NewGuid().ToString("N")[..8]), baseFolderName)).FullName;
        File.WriteAllText(Path.Combine(baseFolder, "config.json"), new JsonObject { ["model_type"] = "llama", ["_name_or_path"] = nameOrPath }.ToJsonString());
        using var adapter = LoraAdapter.Load(adapterFolder);
        return ProvenanceInspector.Inspect(new ResolvedModel(baseFolder, display ?? baseFolder, pinned), ResolvedModel.Folder(adapterFolder), adapter);
    }

    [Theory]
    [InlineData("meta-llama/Llama-3.2-1B", "hf://meta-llama/Llama-3.2-1B@main", BaseMatch.Match)]
    [InlineData("meta-llama/llama-3.2-1b", "hf://meta-llama/Llama-3.2-1B", BaseMatch.Match)]
    [InlineData("meta-llama/Llama-3.2-1B", "hf://Qwen/Qwen2.5-0.5B@main", BaseMatch.Mismatch)]
    [InlineData("/home/me/models/Llama-3.2-1B", "hf://meta-llama/Llama-3.2-1B@main", BaseMatch.Match)]
    [InlineData("/home/me/models/llama-finetune-base", "hf://meta-llama/Llama-3.2-1B@main", BaseMatch.Unknown)]
    public void Inspect_HubBase_ComparesTheDeclaredIdWithTheHubId(string declared, string display, BaseMatch expected)
    {
        var p = Inspect(declared, null, "cache-copy", null, display);

        Assert.Equal(expected, p.BaseMatch);
        Assert.Equal(declared, p.DeclaredBase);
        Assert.Contains($"names base '{declared}'", p.BaseFinding);
    }

    [Fact]
    public void Inspect_HubIdsThatDiffer_NameBothInTheFinding()
    {
        var p = Inspect("meta-llama/Llama-3.2-1B", null, "cache-copy", null, "hf://Qwen/Qwen2.5-0.5B@main");

        Assert.Equal("adapter_config.json names base 'meta-llama/Llama-3.2-1B', but the base given is 'Qwen/Qwen2.5-0.5B' (hf://Qwen/Qwen2.5-0.5B@main)", p.BaseFinding);
    }

    [Theory]
    [InlineData("/work/main/.devcarry/pv/models/llama2", "llama2", null, BaseMatch.Match)]
    [InlineData("meta-llama/Llama-3.2-1B", "base", null, BaseMatch.Unknown)]
    [InlineData("meta-llama/Llama-3.2-1B", "base", "meta-llama/Llama-3.2-1B", BaseMatch.Match)]
    [InlineData("meta-llama/Llama-3.2-1B", "base", "Qwen/Qwen2.5-0.5B", BaseMatch.Mismatch)]
    [InlineData("meta-llama/Llama-3.2-1B", "Llama-3.2-1B", null, BaseMatch.Match)]
    [InlineData(null, "llama2", "meta-llama/Llama-2-7b-hf", BaseMatch.Unknown)]
    public void Inspect_LocalBase_UsesItsConfigsNameOrPathThenItsFolderName(string? declared, string folder, string? nameOrPath, BaseMatch expected)
    {
        var p = Inspect(declared, null, folder, nameOrPath);

        Assert.Equal(expected, p.BaseMatch);
        if (expected == BaseMatch.Unknown)
        {
            Assert.Contains("unknown", p.BaseFinding);
        }
    }

    [Theory]
    [InlineData(CommitA, "hf://org/model@main", "hf://org/model@" + CommitA, BaseMatch.Match)]
    [InlineData("01c7f73", "hf://org/model@main", "hf://org/model@" + CommitA, BaseMatch.Match)]
    [InlineData(CommitB, "hf://org/model@main", "hf://org/model@" + CommitA, BaseMatch.Mismatch)]
    [InlineData(CommitB, "hf://org/model@" + CommitA, null, BaseMatch.Mismatch)]
    [InlineData("v1.0", "hf://org/model@v1.0", "hf://org/model@" + CommitA, BaseMatch.Match)]
    [InlineData("main", "hf://org/model@v2.0", "hf://org/model@" + CommitA, BaseMatch.Unknown)]
    [InlineData(CommitA, "/models/model", null, BaseMatch.Match)]
    public void Inspect_DeclaredRevision_MismatchesOnlyWhenTwoCommitsDiffer(string revision, string display, string? pinned, BaseMatch expected)
    {
        var p = Inspect("org/model", revision, "model", null, display, pinned);

        Assert.Equal(expected, p.BaseMatch);
        Assert.Equal(revision, p.DeclaredRevision);
    }

    [Theory]
    [InlineData(0f, true)]
    [InlineData(0.01f, false)]
    public void Inspect_EveryLoraBZero_IsAZeroUpdate(float b, bool expected)
    {
        Assert.Equal(expected, Inspect("org/model", null, "model", null, b: b).ZeroUpdate);
    }
}
