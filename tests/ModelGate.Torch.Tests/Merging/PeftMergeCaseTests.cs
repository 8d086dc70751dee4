using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core.Adapters;
using ModelGate.Core.Spectral;
using ModelGate.Core.Tensors;
using ModelGate.Testing;
using ModelGate.Torch.Merging;
using ModelGate.Torch.Spectral;

namespace ModelGate.Torch.Tests.Merging;

/// <summary>
/// Cases the peer vectors lack, saved and merged by PEFT 0.21 itself (tests/vectors/peft/make_cases.py): embedding LoRA
/// with the saved embedding base layer and modules_to_save, lora_bias, two DoRA adapters trained one after the other,
/// DoRA on GPT-2 Conv1D.
/// </summary>
public sealed class PeftMergeCaseTests
{
    private static readonly string Folder = RepositoryPaths.PeftVectors();
    private static readonly Lazy<JsonDocument> Expected = new(() => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder, "expected.json"))));

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var p in Expected.Value.RootElement.EnumerateObject().Where(p => p.Name != "env"))
        {
            data.Add(p.Name);
        }

        return data;
    }

    private static (string Base, string[] Adapters, JsonElement Case) Load(string name)
    {
        var c = Expected.Value.RootElement.GetProperty(name);
        var baseFolder = Path.Combine(RepositoryPaths.PeerVectors(), "models", c.GetProperty("base").GetString()!);
        var adapters = c.GetProperty("adapters").EnumerateArray().Select(a => Path.Combine(Folder, name, a.GetString()!)).ToArray();
        return (baseFolder, adapters, c);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Merge_MatchesPeftMergeAndUnload(string name)
    {
        var (baseFolder, adapters, c) = Load(name);
        using var output = new TempDirectory();
        new ModelMerger(NullLogger<ModelMerger>.Instance).Merge(baseFolder, adapters, output.File("merged"), new MergeSettings(), "cpu", null, CancellationToken.None);

        using var merged = ModelWeights.Open(output.File("merged"));
        using var baseWeights = ModelWeights.Open(baseFolder);
        using var peft = SafetensorsFile.Open(Path.Combine(Folder, name, "merged.safetensors"));
        var touched = c.GetProperty("touched").EnumerateArray().Select(t => t.GetString()!).ToHashSet();
        foreach (var t in baseWeights.Tensors)
        {
            var actual = merged.ReadFloat32(merged.Get(t.Name));
            if (!touched.Contains(t.Name))
            {
                Assert.True(baseWeights.GetBytes(t).SequenceEqual(merged.GetBytes(merged.Get(t.Name))), $"{name}: {t.Name} should be unchanged");
                continue;
            }

            var reference = peft.ReadFloat32(peft.Get(t.Name));
            var scale = reference.Max(Math.Abs);
            var worst = actual.Zip(reference).Max(p => Math.Abs(p.First - p.Second)) / scale;
            Assert.True(worst <= 1e-5, $"{name}: {t.Name} differs from PEFT by {worst:E2} (relative)");
        }
    }

    public static TheoryData<string, string> CasesAndMethods()
    {
        var data = new TheoryData<string, string>();
        foreach (var c in Expected.Value.RootElement.EnumerateObject().Where(p => p.Name != "env"))
        {
            data.Add(c.Name, AnalysisMethod.Auto);
            data.Add(c.Name, AnalysisMethod.FullSvd);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CasesAndMethods))]
    public async Task Analyze_CountsMatchThePapersCodeOnPeftsMerge(string name, string method)
    {
        var (baseFolder, adapters, c) = Load(name);

        var report = await new IntruderAnalyzer(NullLogger<IntruderAnalyzer>.Instance)
            .AnalyzeAdaptersAsync(baseFolder, adapters, new AnalysisSettings { Method = method }, "cpu", null, CancellationToken.None);

        var counts = c.GetProperty("counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        var analysed = report.Modules.Where(m => counts.ContainsKey(m.Name)).ToDictionary(m => m.Name, m => m.Intruders);
        Assert.Equal(counts.OrderBy(p => p.Key), analysed.OrderBy(p => p.Key));
    }
}
