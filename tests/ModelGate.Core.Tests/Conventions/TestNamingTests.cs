using System.Reflection;
using System.Text.RegularExpressions;
using ModelGate.Testing;

namespace ModelGate.Core.Tests.Conventions;

/// <summary>
/// Every test is named Method_Condition_ExpectedResult in PascalCase segments (issue #16), so a failing test's name
/// says which call misbehaved, under what, and what was expected. The other test assemblies are not referenced from
/// here, so their sources are read instead.
/// </summary>
public sealed partial class TestNamingTests
{
    [Theory]
    [InlineData("Analyze_AdapterWithPlantedIntruders_CountsEachOne", true)]
    [InlineData("Resolve_503sThenOk_RetriesWithBackoffAndSucceeds", true)]
    [InlineData("Open_HeaderLengthOf2Pow63_IsRejectedWithoutAllocating", true)]
    [InlineData("Gate_OneStrayIntruder_OnlyWarns_AndBlocksUnderFailOnWarn", true)]
    [InlineData("Open_ReadsMetadata", true)]
    [InlineData("Header_length_of_2_pow_63_is_rejected_without_allocating", false)]
    [InlineData("Dispose_without_commit_leaves_no_file", false)]
    [InlineData("Reads_metadata", false)]
    [InlineData("ReadsMetadata", false)]
    [InlineData("Open_Too_Many_Segments_Here", false)]
    public void TestName_Pattern_AcceptsTheMajorityStyleAndRejectsSentences(string name, bool accepted) =>
        Assert.Equal(accepted, TestName().IsMatch(name));

    [Fact]
    public void TestMethods_InThisAssembly_FollowMethodConditionExpectedResult()
    {
        var offenders = ReflectedTests().Where(t => !TestName().IsMatch(t.Method)).Select(t => $"{t.Type}.{t.Method}");

        AssertNone(offenders);
    }

    [Fact]
    public void TestMethods_InEveryTestProjectsSources_FollowMethodConditionExpectedResult()
    {
        var offenders = ScannedTests(Path.Combine(RepositoryPaths.Root(), "tests"))
            .Where(t => !TestName().IsMatch(t.Method))
            .Select(t => $"{t.File}: {t.Method}");

        AssertNone(offenders);
    }

    [Fact]
    public void SourceScan_OfThisProject_FindsEveryTestReflectionFinds()
    {
        // The source scan is only as good as its parsing: a scan that finds nothing would pass every project.
        var project = Path.Combine(RepositoryPaths.Root(), "tests", typeof(TestNamingTests).Assembly.GetName().Name!);

        var scanned = ScannedTests(project).Select(t => t.Method).Order(StringComparer.Ordinal);
        var reflected = ReflectedTests().Select(t => t.Method).Order(StringComparer.Ordinal);

        Assert.Equal(reflected, scanned);
    }

    // Two to four PascalCase segments; a segment after the first may begin with a digit (Resolve_503sThenOk_...).
    [GeneratedRegex("^[A-Z][A-Za-z0-9]*(_[A-Z0-9][A-Za-z0-9]*){1,3}$")]
    private static partial Regex TestName();

    // A line opening with an attribute whose name ends in Fact or Theory ([Fact], [LinuxTheory], [ChromiumFact(...)]).
    [GeneratedRegex(@"^\s*\[\w*(?:Fact|Theory)\b", RegexOptions.Multiline)]
    private static partial Regex TestAttribute();

    // The method the attribute belongs to: the first declaration after it (test methods return void or a task).
    [GeneratedRegex(@"\b(?:void|Task|ValueTask)\s+(\w+)\s*[(<]")]
    private static partial Regex MethodDeclaration();

    private static IEnumerable<(string Type, string Method)> ReflectedTests() =>
        typeof(TestNamingTests).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(method => method.IsDefined(typeof(FactAttribute), inherit: true))
            .Select(method => (method.DeclaringType!.FullName!, method.Name));

    private static IEnumerable<(string File, string Method)> ScannedTests(string folder)
    {
        var separator = Path.DirectorySeparatorChar;
        var sources = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{separator}bin{separator}", StringComparison.Ordinal) && !path.Contains($"{separator}obj{separator}", StringComparison.Ordinal));
        foreach (var path in sources)
        {
            var text = File.ReadAllText(path);
            foreach (Match attribute in TestAttribute().Matches(text))
            {
                var method = MethodDeclaration().Match(text, attribute.Index + attribute.Length);
                Assert.True(method.Success, $"{path}: no method follows the test attribute at offset {attribute.Index}");
                yield return (Path.GetRelativePath(RepositoryPaths.Root(), path), method.Groups[1].Value);
            }
        }
    }

    private static void AssertNone(IEnumerable<string> offenders)
    {
        var list = offenders.Order(StringComparer.Ordinal).ToList();
        Assert.True(list.Count == 0, $"{list.Count} test(s) not named Method_Condition_ExpectedResult:{Environment.NewLine}{string.Join(Environment.NewLine, list)}");
    }
}
