using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using ModelGate.MSBuild.Verdicts;

namespace ModelGate.MSBuild;

/// <summary>
/// Gates one adapter: runs <c>dotnet exec dotnet-intruder-gate.dll gate --base ... --adapter ... --json &lt;verdict&gt;</c>
/// as a child process, then logs each rule of the verdict as an MSBuild error, warning or message with its MG code.
/// The child process keeps libtorch out of MSBuild's reused nodes; the gate itself is the CLI's (Core's GateRunner).
/// A failed verdict is renamed to <c>*.failed.json</c> so that the target's up-to-date check runs the gate again.
/// </summary>
public sealed class RunIntruderGate : ToolTask
{
    private readonly List<string> _standardError = [];

    /// <summary>The packaged (or installed) tool's dotnet-intruder-gate.dll.</summary>
    [Required]
    public string GateToolAssembly { get; set; } = "";

    /// <summary>The project's folder: relative paths in items and properties are relative to it, and the tool runs there.</summary>
    [Required]
    public string ProjectDirectory { get; set; } = "";

    /// <summary>The adapter folder (or registry URI) to gate, as the project lists it.</summary>
    [Required]
    public string Adapter { get; set; } = "";

    /// <summary>The base model folder (or registry URI) the adapter was trained on.</summary>
    public string? Base { get; set; }

    public string? Policy { get; set; }

    /// <summary>A previous verdict; the growth rule compares against it.</summary>
    public string? Baseline { get; set; }

    /// <summary>fail, warn or never; empty leaves it to the policy.</summary>
    public string? FailOn { get; set; }

    /// <summary>Optional Markdown report path.</summary>
    public string? Report { get; set; }

    /// <summary>Optional HTML report path.</summary>
    public string? Html { get; set; }

    /// <summary>Base-spectrum cache folder; empty: MODELGATE_CACHE, else the user cache.</summary>
    public string? Cache { get; set; }

    /// <summary>Published base spectra (<c>precompute --publish</c>) to read before computing; with a registry base, the base is streamed.</summary>
    public string? Spectra { get; set; }

    /// <summary>More gate options, passed through as written (e.g. <c>--k 16 --method full-svd</c>).</summary>
    public string? AdditionalArguments { get; set; }

    /// <summary>Where the tool writes the verdict JSON.</summary>
    [Required]
    public string VerdictFile { get; set; } = "";

    /// <summary>The dotnet host running this build (the SDK sets DOTNET_HOST_PATH); empty: found on PATH.</summary>
    public string? DotNetHostPath { get; set; }

    /// <summary>pass, warn or fail; empty when the gate did not reach a verdict.</summary>
    [Output]
    public string Verdict { get; private set; } = "";

    protected override string ToolName => OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";

    // Distinct importances are how LogEventsFromTextOutput tells the tool's stderr (kept for the error message) from its stdout.
    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.Normal;

    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.High;

    private string DisplayName => Adapter;

    public override bool Execute()
    {
        if (string.IsNullOrWhiteSpace(Base))
        {
            Log.LogError(DiagnosticCodes.Subcategory, DiagnosticCodes.BadItem, null, ProjectFileOrNull(), 0, 0, 0, 0,
                "IntruderGateAdapter '{0}' has no base model: set its Base metadata or the IntruderGateBase property", DisplayName);
            return false;
        }

        GateToolAssembly = Path.GetFullPath(GateToolAssembly, ProjectDirectory);
        if (!File.Exists(GateToolAssembly))
        {
            Log.LogError(DiagnosticCodes.Subcategory, DiagnosticCodes.WrongPlatform, null, ProjectFileOrNull(), 0, 0, 0, 0,
                "the gate tool {0} does not exist: set IntruderGateToolPath to a dotnet-intruder-gate.dll", GateToolAssembly);
            return false;
        }

        if (PublishedRuntimeIdentifier(GateToolAssembly) is { } rid && !RunsOn(rid))
        {
            Log.LogError(DiagnosticCodes.Subcategory, DiagnosticCodes.WrongPlatform, null, ProjectFileOrNull(), 0, 0, 0, 0,
                "the gate tool {0} is built for {1}, and this machine is {2}: install ModelGate.Tool for this platform (dotnet tool install ModelGate.Tool) and set IntruderGateToolPath to its dotnet-intruder-gate.dll",
                GateToolAssembly, rid, RuntimeInformation.RuntimeIdentifier);
            return false;
        }

        VerdictFile = Path.GetFullPath(VerdictFile, ProjectDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(VerdictFile)!);

        // A verdict left from an earlier run must never stand in for this one.
        File.Delete(VerdictFile);
        File.Delete(FailedVerdictFile);

        base.Execute();
        return ExitCode switch
        {
            0 or 1 => ReportVerdict(),
            2 => Fail(DiagnosticCodes.BadInput, "the gate refused its input for {0}: {1}"),
            -1 when Log.HasLoggedErrors => false, // the process did not start; ToolTask has said why
            _ => Fail(DiagnosticCodes.ToolFailed, "the gate failed unexpectedly on {0} (exit code " + ExitCode + "): {1}"),
        };
    }

    protected override string GenerateFullPathToTool()
    {
        foreach (var candidate in new[] { DotNetHostPath, Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") })
        {
            if (!string.IsNullOrEmpty(candidate) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, ToolName))
            .FirstOrDefault(File.Exists);
        return onPath ?? ToolName;
    }

    protected override string GetWorkingDirectory() => ProjectDirectory;

    protected override string GenerateCommandLineCommands()
    {
        var builder = new CommandLineBuilder(quoteHyphensOnCommandLine: false, useNewLineSeparator: false);
        builder.AppendSwitch("exec");
        builder.AppendFileNameIfNotNull(GateToolAssembly);
        builder.AppendSwitch("gate");
        builder.AppendSwitchIfNotNull("--base ", Base);
        builder.AppendSwitchIfNotNull("--adapter ", Adapter);
        AppendIfSet(builder, "--policy ", Policy);
        AppendIfSet(builder, "--baseline ", Baseline);
        AppendIfSet(builder, "--fail-on ", FailOn);
        AppendIfSet(builder, "--report ", Report);
        AppendIfSet(builder, "--html ", Html);
        AppendIfSet(builder, "--cache ", Cache);
        AppendIfSet(builder, "--spectra ", Spectra);
        builder.AppendSwitchIfNotNull("--json ", VerdictFile);
        if (!string.IsNullOrWhiteSpace(AdditionalArguments))
        {
            builder.AppendTextUnquoted(" " + AdditionalArguments.Trim());
        }

        return builder.ToString();
    }

    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        if (messageImportance == StandardErrorImportanceToUse && StandardErrorImportanceToUse != StandardOutputImportanceToUse)
        {
            _standardError.Add(singleLine);
        }

        // Plain messages: ToolTask's default would parse "error: ..." lines as MSBuild errors of their own.
        Log.LogMessage(messageImportance, "{0}", singleLine);
    }

    /// <summary>Exit codes are interpreted in <see cref="Execute"/>; ToolTask's generic "exited with code" would only repeat it.</summary>
    protected override bool HandleTaskExecutionErrors() => false;

    private bool ReportVerdict()
    {
        GateVerdict verdict;
        try
        {
            verdict = VerdictReader.Read(VerdictFile);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return Fail(DiagnosticCodes.NoVerdict, "the gate exited " + ExitCode + " on {0} but left no readable verdict: {1}", e.Message);
        }

        Verdict = verdict.Verdict;
        new VerdictReporter(Log).Report(verdict, DiagnosticFile(), DisplayName);
        if (ExitCode == 0)
        {
            return !Log.HasLoggedErrors;
        }

        File.Move(VerdictFile, FailedVerdictFile, overwrite: true);
        Log.LogMessage(MessageImportance.High, "intruder-gate: {0} blocked the release; its verdict is in {1}", DisplayName, FailedVerdictFile);
        if (!Log.HasLoggedErrors)
        {
            // Exit 1 with no blocking rule would let the build pass on a refused release; say so instead.
            Log.LogError(DiagnosticCodes.Subcategory, DiagnosticCodes.ToolFailed, null, DiagnosticFile(), 0, 0, 0, 0,
                "the gate refused {0} (verdict {1}, fail on {2}) without a blocking rule in its verdict", DisplayName, verdict.Verdict, verdict.FailOn);
        }

        return false;
    }

    private bool Fail(string code, string format, string? detail = null)
    {
        detail ??= LastErrorLine() ?? "no message (rerun the build with -v:n to see the tool's output)";
        Log.LogError(DiagnosticCodes.Subcategory, code, null, DiagnosticFile(), 0, 0, 0, 0, format, DisplayName, detail);
        return false;
    }

    /// <summary>
    /// The tool's one-line error (it prints "error: ..." on stderr), without the prefix MSBuild adds anyway, naming
    /// what the project set rather than the flag the task passed it as.
    /// </summary>
    private string? LastErrorLine()
    {
        var line = _standardError.LastOrDefault(l => !string.IsNullOrWhiteSpace(l))?.Trim();
        return line is not null && line.StartsWith("error: ", StringComparison.OrdinalIgnoreCase) ? ToolErrorWording.ForProject(line["error: ".Length..]) : line;
    }

    /// <summary>adapter_config.json when the adapter is a local PEFT folder (IDEs open it), else what the project listed.</summary>
    private string DiagnosticFile()
    {
        if (Adapter.Contains("://", StringComparison.Ordinal))
        {
            return Adapter;
        }

        var folder = Path.GetFullPath(Adapter, ProjectDirectory);
        var config = Path.Combine(folder, "adapter_config.json");
        return File.Exists(config) ? config : folder;
    }

    private string? ProjectFileOrNull() => BuildEngine?.ProjectFileOfTaskNode;

    private string FailedVerdictFile => Path.ChangeExtension(VerdictFile, ".failed.json");

    private static void AppendIfSet(CommandLineBuilder builder, string option, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            builder.AppendSwitchIfNotNull(option, value);
        }
    }

    /// <summary>
    /// The RID a tool was published for, from its deps.json (<c>"runtimeTarget": { "name": ".NETCoreApp,Version=v10.0/linux-x64" }</c>);
    /// null for a portable build or when the file cannot tell.
    /// </summary>
    internal static string? PublishedRuntimeIdentifier(string toolAssembly)
    {
        var deps = Path.ChangeExtension(toolAssembly, ".deps.json");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(deps));
            var name = document.RootElement.GetProperty("runtimeTarget").GetProperty("name").GetString();
            var slash = name?.IndexOf('/') ?? -1;
            return slash > 0 ? name![(slash + 1)..] : null;
        }
        catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException or InvalidOperationException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether a framework-dependent tool published for <paramref name="rid"/> runs here (linux-x64 on any x64 Linux).</summary>
    internal static bool RunsOn(string rid)
    {
        var dash = rid.LastIndexOf('-');
        if (dash <= 0)
        {
            return true;
        }

        var os = rid[..dash];
        var arch = rid[(dash + 1)..];
        var osMatches = os switch
        {
            "linux" => OperatingSystem.IsLinux(),
            "linux-musl" => OperatingSystem.IsLinux(),
            "win" => OperatingSystem.IsWindows(),
            "osx" => OperatingSystem.IsMacOS(),
            _ => true,
        };
        return osMatches && string.Equals(arch, RuntimeInformation.OSArchitecture.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
