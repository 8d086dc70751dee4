using System.CommandLine;
using ModelGate.Core.Registries;

namespace ModelGate.Cli.Options;

/// <summary>What <c>registry ls</c> was asked, bound in one place before any work.</summary>
public sealed record RegistryListCommandOptions
{
    public static readonly Argument<string> LocationArgument = new("uri")
    {
        Description = "A registry location: az://container/prefix, https://<account>.blob.core.windows.net/…, hf://org/name, a folder or file://.",
    };

    public static readonly Option<bool> JsonOption = new("--json") { Description = "Write the versions as JSON (one array) instead of a table." };

    public required RegistryReference Location { get; init; }
    public bool Json { get; init; }

    public static RegistryListCommandOptions Bind(ParseResult parse) => new()
    {
        Location = RegistryReference.Parse(parse.GetValue(LocationArgument)!),
        Json = parse.GetValue(JsonOption),
    };
}
