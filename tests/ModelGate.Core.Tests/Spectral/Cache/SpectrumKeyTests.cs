using ModelGate.Core.Adapters;
using ModelGate.Core.Spectral.Cache;
using ModelGate.Core.Tensors;
using ModelGate.Demo;
using ModelGate.Testing;

namespace ModelGate.Core.Tests.Spectral.Cache;

/// <summary>The cache key of a base tensor (Core's); the cache that stores spectra under it is tested with ModelGate.Torch.</summary>
public sealed class SpectrumKeyTests : IDisposable
{
    private const string Wide = "model.layers.0.mlp.down_proj.weight"; // 64 × 96

    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Key_OfATensorHashedInChunks_IsTheKeyOfTheWholeSpan()
    {
        var model = new TinyModelBuilder { Hidden = 64, Intermediate = 96, Layers = 1 }.Build(dir.File("base")).Folder;
        using var weights = ModelWeights.Open(model);
        var tensor = weights.Get(Wide);

        var whole = SpectrumKey.Compute(weights, tensor, MatrixLayout.AsStored);
        var chunked = SpectrumKey.Compute(weights, tensor, MatrixLayout.AsStored, singleSpanLimit: 0, chunkBytes: 1000);

        Assert.Equal(whole, chunked);
        Assert.Matches("^[0-9a-f]{32}$", whole.Hex);
    }
}
