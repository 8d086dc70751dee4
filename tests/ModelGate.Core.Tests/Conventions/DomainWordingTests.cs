using System.Text.RegularExpressions;
using ModelGate.Core.Errors;
using ModelGate.Core.Spectral;
using ModelGate.Testing;

namespace ModelGate.Core.Tests.Conventions;

/// <summary>
/// Core speaks of the domain; only the front ends know how their users name a value (a flag, an MSBuild property, a
/// policy key), so no string outside them names a command-line flag (issue #16). The sources are read, not the
/// assemblies: the capabilities are split into several.
/// </summary>
public sealed partial class DomainWordingTests
{
    private static readonly string[] FrontEnds = ["ModelGate.Cli", "ModelGate.MSBuild", "ModelGate.GitHub"];

    [Fact]
    public void StringLiterals_OutsideTheFrontEnds_NameNoCommandLineFlag()
    {
        var src = Path.Combine(RepositoryPaths.Root(), "src");
        var offenders = Directory.EnumerateDirectories(src)
            .Where(project => !FrontEnds.Contains(Path.GetFileName(project)))
            .SelectMany(project => Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories)
                .Where(file => !Path.GetRelativePath(project, file).Split(Path.DirectorySeparatorChar)[0].Equals("obj", StringComparison.Ordinal)))
            .SelectMany(file => File.ReadLines(file).Select((line, index) => (File: file, Line: index + 1, Text: line)))
            .Where(l => !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal) && Literal().Matches(l.Text).Any(m => Flag().IsMatch(m.Value)))
            .Select(l => $"{Path.GetRelativePath(src, l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void Validate_BadK_NamesTheFieldInTheDomainsWords()
    {
        var e = Assert.Throws<UserInputException>(new AnalysisSettings { K = 0 }.Validate);

        Assert.Equal(InputField.K, e.Field);
        Assert.Equal("k (top singular vectors compared) must be a positive integer, got 0", e.Message);
        Assert.Equal("--k must be a positive integer, got 0", e.MessageNaming(f => "--" + f.Key));
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex Literal();

    // A CSS custom property, var(--fg), is not a flag.
    [GeneratedRegex(@"(?<![\w(-])--[a-z]")]
    private static partial Regex Flag();
}
