using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Demo.Study;
using ModelGate.Forgetting.Models;
using ModelGate.Testing;
using ModelGate.Torch.Lineage;
using ModelGate.Torch.Merging;
using ModelGate.Torch.Repair;
using ModelGate.Torch.Spectral;

namespace ModelGate.Demo.Tests.Study;

[Collection(TrainedModelsCollection.Name)]
public sealed class StudyGridTests
{
    private static StudyGrid Grid()
    {
        var analyzer = new IntruderAnalyzer(NullLogger<IntruderAnalyzer>.Instance);
        return new StudyGrid(analyzer, new LineageAnalyzer(analyzer, NullLogger<LineageAnalyzer>.Instance), new AdapterMitigator(analyzer, NullLogger<AdapterMitigator>.Instance),
            new ModelMerger(NullLogger<ModelMerger>.Instance), new LanguageModelLoader());
    }

    [Fact]
    public async Task RunAsync_QuickSettingsTwice_SameNumbersForEveryRun()
    {
        using var folder = new TempDirectory();

        var first = await Grid().RunAsync(StudySettings.Quick, Path.Combine(folder.Path, "a"), null, CancellationToken.None);
        var second = await Grid().RunAsync(StudySettings.Quick, Path.Combine(folder.Path, "b"), null, CancellationToken.None);

        Assert.Equal(StudyResultsJson.Serialize(first), StudyResultsJson.Serialize(second));
        Assert.Equal(
            [StudyRunKind.Demo, StudyRunKind.Lora, StudyRunKind.FullFineTune, StudyRunKind.Chain, StudyRunKind.Repair],
            first.Runs.Select(r => r.Kind).Distinct());
        Assert.Equal(2 + 2 + 2 + 2 + 3, first.Runs.Count);
    }
}
