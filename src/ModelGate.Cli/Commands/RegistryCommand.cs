using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ModelGate.Cli.Options;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Registries;

namespace ModelGate.Cli.Commands;

/// <summary><c>registry ls &lt;uri&gt;</c>: the versions under a registry location and the verdicts recorded on them.</summary>
public static class RegistryCommand
{
    public static Command Create(CliContext context)
    {
        var list = new Command("ls", "List the versions under a registry location, with the verdict each release recorded.")
        {
            RegistryListCommandOptions.LocationArgument, RegistryListCommandOptions.JsonOption,
        };
        list.SetAction((parse, ct) => context.RunAsync(parse, async host =>
        {
            var options = RegistryListCommandOptions.Bind(parse);
            var reference = options.Location;
            var registry = host.Services.GetRequiredService<RegistryCatalog>().For(reference);
            var versions = await registry.ListVersionsAsync(reference, ct);
            if (options.Json)
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
