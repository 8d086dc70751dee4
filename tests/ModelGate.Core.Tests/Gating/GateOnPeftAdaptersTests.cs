using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core.Gating;
using ModelGate.Core.Registries;
using ModelGate.Testing;
using ModelGate.Torch.Spectral;

namespace ModelGate.Core.Tests.Gating;

/// <summary>The default policy on adapters PEFT 0.21 saved itself (tests/vectors/peer-vectors): the thresholds meet real files.</summary>
public sealed class GateOnPeftAdaptersTests
{
    public static IEnumerable<object[]> Names() => PeerVectors.AdapterNames();

    /// <summary>
    /// Every adapter there has large updates planted in a few modules (4 to 10 intruders each, by the paper's own code)
    /// and small ones elsewhere (0): the default fails exactly the planted modules and nothing else per module.
    /// </summary>
    [Theory]
    [MemberData(nameof(Names))]
    public async Task Gate_PeftAdapterWithLargeUpdates_FailsTheDefaultPolicyOnExactlyThePlantedModules(string name)
    {
        var runner = new GateRunner(new IntruderAnalyzer(NullLogger<IntruderAnalyzer>.Instance), NullLogger<GateRunner>.Instance);
        var expected = PeerVectors.Adapter(name).GetProperty("counts").EnumerateObject()
            .Where(c => c.Value.GetInt32() > 2).Select(c => c.Name).Order(StringComparer.Ordinal).ToArray();

        var result = await runner.RunAsync(new GateRequest { BaseModel = ResolvedModel.Folder(PeerVectors.BaseFolderOf(name)), Adapters = [ResolvedModel.Folder(PeerVectors.AdapterFolder(name))], Device = "cpu" }, null, CancellationToken.None);

        Assert.Equal(1, result.Verdict.ExitCode);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, result.Verdict.Rules.Where(r => r is { Id: RuleIds.PerModule, Status: RuleStatus.Fail }).Select(r => r.Target!).Order(StringComparer.Ordinal));
    }
}
