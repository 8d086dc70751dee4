using ModelGate.Core.Evidence;

namespace ModelGate.Core.Tests.Evidence;

public sealed class AnalysisPartsTests
{
    [Theory]
    [InlineData("0.1.3", "0.1.0", true)]
    [InlineData("0.1.0-alpha.2", "0.1.5", true)]
    [InlineData("0.2.0", "0.1.0", false)]
    [InlineData("1.1.0", "0.1.0", false)]
    public void IsCompatibleToolVersion_SameMajorMinor_IsCompatible(string version, string current, bool compatible)
    {
        Assert.Equal(compatible, AnalysisParts.IsCompatibleToolVersion(version, current));
    }
}
