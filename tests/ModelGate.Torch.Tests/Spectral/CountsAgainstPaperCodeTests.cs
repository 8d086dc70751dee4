using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core.Spectral;
using ModelGate.Testing;
using ModelGate.Torch.Spectral;

namespace ModelGate.Torch.Tests.Spectral;

/// <summary>
/// Counts against the paper's definition as computed with PyTorch on the adapters PEFT saved
/// (tests/vectors/peer-vectors/expected.json: float32 full SVD, left vectors, k = 10, ε = 0.5, Conv1D as out × in).
/// </summary>
public sealed class CountsAgainstPaperCodeTests
{
    public static IEnumerable<object[]> Adapters() =>
        PeerVectors.AdapterNames().SelectMany(a => new[] { AnalysisMethod.Auto, AnalysisMethod.FullSvd }.Select(m => new[] { a[0], m }));

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task AnalyzeAdapters_PeftSavedAdapter_CountsAndCosinesMatchPyTorch(string name, string method)
    {
        var analyzer = new IntruderAnalyzer(NullLogger<IntruderAnalyzer>.Instance);

        var report = await analyzer.AnalyzeAdaptersAsync(PeerVectors.BaseFolderOf(name), [PeerVectors.AdapterFolder(name)], new AnalysisSettings { Method = method }, "cpu", null, CancellationToken.None);

        var expected = PeerVectors.Adapter(name);
        var counts = expected.GetProperty("counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(counts.Keys.Order(), report.Modules.Select(m => m.Name).Order());
        foreach (var module in report.Modules)
        {
            Assert.True(counts[module.Name] == module.Intruders, $"{name} {module.Name}: expected {counts[module.Name]}, got {module.Intruders}");
            var cosines = expected.GetProperty("maxCosines").GetProperty(module.Name).EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(cosines.Length, module.MaxCosines.Count);
            for (var i = 0; i < cosines.Length; i++)
            {
                Assert.True(Math.Abs(cosines[i] - module.MaxCosines[i]) <= 1e-4, $"{name} {module.Name}[{i}]: {cosines[i]} vs {module.MaxCosines[i]}");
            }
        }

        Assert.Equal(expected.GetProperty("total").GetInt32(), report.TotalIntruders);
        var dora = expected.GetProperty("config").TryGetProperty("use_dora", out var d) && d.GetBoolean();
        string[] allowed = method == AnalysisMethod.FullSvd
            ? [AnalysisMethod.FullSvd]
            : dora ? [AnalysisMethod.Krylov] : [AnalysisMethod.LowRank, AnalysisMethod.Krylov];
        Assert.All(report.Modules, m => Assert.Contains(m.Method, allowed));
    }
}
