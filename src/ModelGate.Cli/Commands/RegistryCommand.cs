using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Registries;

namespace ModelGate.Cli.Commands;

/// <summary><c>registry ls &lt;uri&gt;</c>: the versions under a registry location and the verdicts recorded on them.</summary>
public static class RegistryCommand
{
    private static readonly Argument<string> Location = new("uri")
    {
        Description = "A registry location: az://container/prefix, https://<account>.blob.core.windows.net/…, hf://org/name, a folder or file://.",
    };

    private static readonly Option<bool> Json = new("--json") { Description = "Write the versions as JSON (one array) instead of a table." };

    public static Command Create(CliContext context)
    {
        var list = new Command("ls", "List the versions under a registry location, with the verdict each release recorded.")
        {
            Location, Json,
        };
        list.SetAction((parse, ct) => context.RunAsync(parse, async host =>
        {
            var reference = RegistryReference.Parse(parse.GetValue(Location)!);
            var registry = host.Services.GetRequiredService<RegistryCatalog>().For(reference);
            var versions = await registry.ListVersionsAsync(reference, ct);
            if (parse.GetValue(Json))
            {
                context.Out.WriteLine(RegistryVersionsTable.ToJson(versions));
            }
            else
            {
                RegistryVersionsTable.Write(reference.Display, versions, context.Out, context.OutIsTerminal);
            }

            return ExitCodes.Ok;
        }, ct));

        return new Command("registry", "Model and adapter registries (az://, hf://, folders).") { list };
    }
}
