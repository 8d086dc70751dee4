using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core;
using ModelGate.Core.Errors;
using ModelGate.Core.Spectral.Cache;
using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Torch.Runtime;
using ModelGate.Torch.Spectral.Cache;

namespace ModelGate.Torch.Tests.Spectral.Cache;

public sealed class SpectrumPrecomputeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Run_OnAShardedModel_CachesEveryLinearWeightButNotEmbeddingsOrTheHead()
    {
        var model = new TinyModelBuilder { Hidden = 64, Intermediate = 96, Layers = 2, Shards = 3 }.Build(_dir.File("base"));
        var cache = new SpectrumCache(_dir.File("cache"), SpectrumPrecision.F32, NullLogger<SpectrumCache>.Instance);
        var progress = new List<WorkProgress>();

        var first = SpectrumPrecompute.Run(cache, model.Folder, null, null, TorchDeviceSelector.Select("cpu"), new SyncProgress(progress.Add), CancellationToken.None);
        var second = SpectrumPrecompute.Run(cache, model.Folder, null, null, TorchDeviceSelector.Select("cpu"), null, CancellationToken.None);

        Assert.Equal((14, 0), (first.Computed, first.AlreadyCached));
        Assert.Equal((0, 14), (second.Computed, second.AlreadyCached));
        Assert.Equal(first.Spectra.Select(s => (s.TensorName, s.Key)), second.Spectra.Select(s => (s.TensorName, s.Key)));
        Assert.Equal(14, cache.List().Count);
        Assert.DoesNotContain(cache.List(), e => e.Source.Contains("embed", StringComparison.Ordinal) || e.Source.Contains("lm_head", StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(0, 15), progress.Select(p => p.Completed));
    }

    [Fact]
    public void Run_ModulesMatchingNothing_IsAUserError()
    {
        var model = new TinyModelBuilder { Layers = 1 }.Build(_dir.File("base"));
        var cache = new SpectrumCache(_dir.File("cache"), SpectrumPrecision.F32, NullLogger<SpectrumCache>.Instance);

        var e = Assert.Throws<UserInputException>(() => SpectrumPrecompute.Run(cache, model.Folder, "nothing_like_this", null, TorchDeviceSelector.Select("cpu"), null, CancellationToken.None));

        Assert.Equal(InputField.Modules, e.Field);
        Assert.Equal("module pattern 'nothing_like_this' matches no linear weight of " + model.Folder, e.Message);
    }

    private sealed class SyncProgress(Action<WorkProgress> report) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => report(value);
    }
}
