using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core.Adapters;
using ModelGate.Core.Tensors;
using ModelGate.Torch.Merging;

namespace ModelGate.Demo;

/// <summary>
/// Writes a history of adapters trained one after another, as continual fine-tuning produces them: release i is built
/// (its intruders planted, its aligned directions grown) against the base with releases 1..i−1 merged in float32,
/// not against the original base.
/// </summary>
public sealed class AdapterLineageBuilder
{
    private readonly List<LoraAdapterBuilder> _releases = [];

    /// <summary>Adds the next release.</summary>
    public AdapterLineageBuilder Then(LoraAdapterBuilder release)
    {
        _releases.Add(release);
        return this;
    }

    /// <summary>Writes <c>release-1</c>, <c>release-2</c>, … under <paramref name="folder"/> and returns their folders in order.</summary>
    public IReadOnlyList<string> Build(string baseFolder, string folder)
    {
        var merger = new ModelMerger(NullLogger<ModelMerger>.Instance);
        var written = new List<string>(_releases.Count);
        for (var i = 0; i < _releases.Count; i++)
        {
            // The model release i was "trained" on; only needed while its adapter is planted, so removed right after.
            var trainedOn = i == 0 ? baseFolder : Path.Combine(folder, $".trained-on-{i + 1}");
            if (i > 0)
            {
                merger.Merge(baseFolder, written, trainedOn, new MergeSettings { DType = TensorDType.F32, Force = true }, "cpu", null, CancellationToken.None);
            }

            try
            {
                written.Add(_releases[i].Build(trainedOn, Path.Combine(folder, $"release-{i + 1}")));
            }
            finally
            {
                if (i > 0)
                {
                    Directory.Delete(trainedOn, recursive: true);
                }
            }
        }

        return written;
    }
}
