using System.CommandLine;
using Microsoft.Extensions.Hosting;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Spectral;

namespace ModelGate.Cli.Options;

/// <summary>What <c>demo</c> was asked, bound in one place before any work.</summary>
public sealed record DemoCommandOptions
{
    public static readonly Option<string?> FolderOption = new("--folder")
    {
        Description = "Where to write the generated base and adapters (default: a new temp folder, kept so you can rerun analyze/merge on it).",
    };

    /// <summary>Where the demo's models go: the folder given, else a new temp folder (kept).</summary>
    public required string Folder { get; init; }

    public required AnalysisSettings Analysis { get; init; }
    public required string Device { get; init; }
    public ReportFormat Format { get; init; }

    public static DemoCommandOptions Bind(ParseResult parse, IHost host) => new()
    {
        Folder = parse.GetValue(FolderOption) ?? Path.Combine(Path.GetTempPath(), $"modelgate-demo-{Guid.NewGuid():N}"[..22]),
        Analysis = SharedOptions.Analysis(parse, host),
        Device = SharedOptions.Device(parse, host),
        Format = parse.GetValue(SharedOptions.Format),
    };
}
