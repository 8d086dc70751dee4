using ModelGate.Core.Errors;
using ModelGate.Core.IO;
using ModelGate.Testing;
using ModelGate.Testing.IO;

namespace ModelGate.Core.Tests.IO;

public sealed class OutputGuardTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _base;
    private readonly string _weights;

    public OutputGuardTests()
    {
        _base = Directory.CreateDirectory(_dir.File("base")).FullName;
        _weights = Path.Combine(_base, "model.safetensors");
        File.WriteAllText(_weights, "weights");
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Check_OutputFileIsAnInputFile_RefusesNamingBoth()
    {
        var error = Refused(Guard().Reads(_weights, "the weights file").WritesFile(_weights, "--json"));

        Assert.Equal($"--json {_weights}: is an input of this run (the weights file {_weights}); choose another path", error);
    }

    [Fact]
    public void Check_TwoOutputsOnOnePath_RefusesNamingBoth()
    {
        var report = _dir.File("report.md");

        var error = Refused(Guard().WritesFile(report, "--json").WritesFile(report, "--report"));

        Assert.Equal($"--report {report}: is the same path as --json {report}, or lies in it; give each output its own path", error);
    }

    [Fact]
    public void Check_OutputFileInsideAnOutputFolder_Refuses()
    {
        var merged = _dir.File("merged");
        var verdict = Path.Combine(merged, "verdict.json");

        var error = Refused(Guard().WritesFolder(merged, "--output").WritesFile(verdict, "--json"));

        Assert.StartsWith($"--json {verdict}: is the same path as --output {merged}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_OutputFileInsideAnInputFolder_RefusesNamingTheFolder()
    {
        var error = Refused(Guard().WritesFile(_weights, "--json"));

        Assert.Equal($"--json {_weights}: lies inside the base model folder {_base}, an input of this run; choose another path", error);
    }

    [Fact]
    public void Check_NewFileInsideAnInputFolder_IsRefusedToo()
    {
        var output = Path.Combine(_base, "sub", "verdict.json");

        var error = Refused(Guard().WritesFile(output, "--json"));

        Assert.StartsWith($"--json {output}: lies inside the base model folder {_base}", error);
    }

    [Fact]
    public void Check_OutputFolderThatHoldsAnInput_Refuses()
    {
        var error = Refused(Guard().WritesFolder(_dir.Path, "--output"));

        Assert.Equal($"--output {_dir.Path}: holds the base model folder {_base}, an input of this run; choose another path", error);
    }

    [Fact]
    public void Check_SymlinkedOutputLeadingToAnInputFile_Refuses()
    {
        var link = _dir.File("verdict.json");
        File.CreateSymbolicLink(link, _weights);

        var error = Refused(Guard().WritesFile(link, "--json"));

        Assert.Equal($"--json {link} (→ {_weights}): lies inside the base model folder {_base}, an input of this run; choose another path", error);
    }

    [Fact]
    public void Check_OutputBelowASymlinkedFolder_ResolvesThroughTheLinkAndRefuses()
    {
        var linkedFolder = _dir.File("reports");
        Directory.CreateSymbolicLink(linkedFolder, _base);
        var output = Path.Combine(linkedFolder, "not-yet", "verdict.json");

        var error = Refused(Guard().WritesFile(output, "--json"));

        Assert.Contains($"(→ {Path.Combine(_base, "not-yet", "verdict.json")}): lies inside the base model folder {_base}", error);
    }

    [Fact]
    public void Check_InputGivenThroughASymlink_IsComparedWhereItLeads()
    {
        var linkedBase = _dir.File("base-link");
        Directory.CreateSymbolicLink(linkedBase, _base);

        var error = Refused(new OutputGuard().Reads(linkedBase, "the base model folder").WritesFile(_weights, "--json"));

        Assert.Equal($"--json {_weights}: lies inside the base model folder {linkedBase}, an input of this run; choose another path", error);
    }

    [Fact]
    public void Check_SeparateOutputs_PassAndLeaveNothingBehind()
    {
        var reports = Directory.CreateDirectory(_dir.File("reports")).FullName;

        Guard().WritesFile(Path.Combine(reports, "verdict.json"), "--json").WritesFolder(_dir.File("merged"), "--output").Check();

        Assert.Empty(Directory.EnumerateFileSystemEntries(reports));
        Assert.Equal(["base", "reports"], Directory.EnumerateFileSystemEntries(_dir.Path).Select(e => Path.GetFileName(e)).Order());
    }

    [Fact]
    public void Check_CacheHoldingAnInput_PassesButACacheInsideAnInputIsRefused()
    {
        Guard().WritesCache(_dir.Path, "--cache").Check();

        var error = Refused(Guard().WritesCache(Path.Combine(_base, "cache"), "--cache"));

        Assert.StartsWith($"--cache {Path.Combine(_base, "cache")}: lies inside the base model folder {_base}", error);
    }

    [Fact]
    public void Check_OutputWhoseFolderIsAFile_RefusesBeforeWriting()
    {
        var notAFolder = _dir.File("notes.txt");
        File.WriteAllText(notAFolder, "");
        var output = Path.Combine(notAFolder, "verdict.json");

        var error = Refused(Guard().WritesFile(output, "--json"));

        Assert.Equal($"--json {output}: {notAFolder} is a file, not a folder", error);
    }

    [Fact]
    public void Check_OutputFileWhoseFolderIsMissing_Refuses()
    {
        var output = _dir.File(Path.Combine("missing", "verdict.json"));

        var error = Refused(Guard().WritesFile(output, "--json"));

        Assert.Equal($"--json {output}: folder {_dir.File("missing")} does not exist", error);
    }

    [UnwritableFolderFact]
    public void Check_OutputInAFolderThatRefusesWrites_RefusesNamingTheFolder()
    {
        var output = Path.Combine(UnwritableFolder.Path!, "verdict.json");

        var error = Refused(Guard().WritesFile(output, "--json"));

        Assert.StartsWith($"--json {output}: cannot write in {UnwritableFolder.Path} (", error);
    }

    [UnwritableFolderFact]
    public void Check_OutputFolderToCreateUnderAFolderThatRefusesWrites_Refuses()
    {
        var output = Path.Combine(UnwritableFolder.Path!, "merged", "model");

        var error = Refused(Guard().WritesFolder(output, "--output"));

        Assert.StartsWith($"--output {output}: cannot write in {UnwritableFolder.Path} (", error);
    }

    private OutputGuard Guard() => new OutputGuard().Reads(_base, "the base model folder");

    private string Refused(OutputGuard guard)
    {
        var error = Assert.Throws<UserInputException>(guard.Check).Message;
        Assert.Equal("weights", File.ReadAllText(_weights));
        return error;
    }
}
