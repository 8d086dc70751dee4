using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core.Adapters;
using ModelGate.Core.Tensors;
using ModelGate.Testing;
using ModelGate.Torch.Merging;
using ModelGate.Torch.Runtime;
using static TorchSharp.torch;

namespace ModelGate.Torch.Tests.Merging;

/// <summary>Our merge against PEFT 0.21's own merge_and_unload() on adapters PEFT saved (DoRA, rsLoRA + patterns, fan_in_fan_out, ...).</summary>
public sealed class MergeAgainstPeftTests
{
    public MergeAgainstPeftTests() => TorchRuntime.EnsureLoaded();

    public static IEnumerable<object[]> Adapters() => PeerVectors.AdapterNames();

    [Theory]
    [MemberData(nameof(Adapters))]
    public void Merge_PeftSavedAdapter_EqualsPeftMergeAndUnload(string name)
    {
        using var baseWeights = ModelWeights.Open(PeerVectors.BaseFolderOf(name));
        using var adapter = LoraAdapter.Load(PeerVectors.AdapterFolder(name));
        using var expected = SafetensorsFile.Open(PeerVectors.MergedFile(name));

        var updates = MergePlanner.Plan(baseWeights, [adapter]);

        Assert.Equal(expected.Tensors.Select(t => t.Name).Order(), updates.Select(u => u.TensorName).Order());
        foreach (var update in updates)
        {
            using var scope = NewDisposeScope();
            var merged = WeightMerger.Apply(TorchTensors.LoadFloat32(baseWeights, update.Base, CPU), update, CPU);
            var peft = TorchTensors.LoadFloat32(expected, expected.Get(update.TensorName), CPU);
            var relative = (merged - peft).abs().max().item<float>() / peft.abs().max().item<float>();
            Assert.True(relative <= 1e-5, $"{name} {update.TensorName}: relative difference {relative}");
        }
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public void ModelMerger_PeftSavedAdapter_WritesPeftWeightsAndCopiesTheRest(string name)
    {
        using var output = new TempDirectory();
        var target = Path.Combine(output.Path, "merged");
        var merger = new ModelMerger(NullLogger<ModelMerger>.Instance);

        var result = merger.Merge(PeerVectors.BaseFolderOf(name), [PeerVectors.AdapterFolder(name)], target, new MergeSettings(), "cpu", null, CancellationToken.None);

        using var written = ModelWeights.Open(target);
        using var baseWeights = ModelWeights.Open(PeerVectors.BaseFolderOf(name));
        using var expected = SafetensorsFile.Open(PeerVectors.MergedFile(name));
        Assert.Equal(baseWeights.Tensors.Count, result.Tensors);
        Assert.Equal(expected.Tensors.Count, result.ChangedTensors);
        foreach (var t in baseWeights.Tensors)
        {
            var actual = written.ReadFloat32(written.Get(t.Name));
            var reference = expected.TryGet(t.Name, out var merged) ? expected.ReadFloat32(merged) : baseWeights.ReadFloat32(t);
            var scale = reference.Max(Math.Abs);
            Assert.True(actual.Zip(reference).All(p => Math.Abs(p.First - p.Second) <= 1e-5 * scale), $"{name} {t.Name}");
            Assert.Equal(t.DType, written.Get(t.Name).DType);
        }

        foreach (var file in Directory.EnumerateFiles(PeerVectors.BaseFolderOf(name)).Where(f => !f.EndsWith(".safetensors", StringComparison.Ordinal)))
        {
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(target, Path.GetFileName(file))));
        }

        Assert.Equal(["merged"], Directory.EnumerateFileSystemEntries(output.Path).Select(Path.GetFileName));
    }
}
