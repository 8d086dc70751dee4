using System.CommandLine;
using Microsoft.Extensions.Hosting;

namespace ModelGate.Cli.Options;

/// <summary>What <c>forgetting-demo</c> was asked, bound in one place before any work.</summary>
public sealed record ForgettingDemoCommandOptions
{
    public static readonly Option<string?> FolderOption = new("--folder")
    {
        Description = "Where the demo's models and corpora go (default: a new temp folder, kept); an existing demo there is reused.",
    };

    /// <summary>Where the demo's models and corpora go, as a full path.</summary>
    public required string Folder { get; init; }

    public required string Device { get; init; }

    public static ForgettingDemoCommandOptions Bind(ParseResult parse, IHost host) => new()
    {
        Folder = Path.GetFullPath(parse.GetValue(FolderOption) ?? Path.Combine(Path.GetTempPath(), $"modelgate-forgetting-demo-{Guid.NewGuid():N}"[..34])),
        Device = SharedOptions.Device(parse, host),
    };
}
