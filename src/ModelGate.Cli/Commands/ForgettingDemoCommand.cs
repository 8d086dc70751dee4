using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ModelGate.Cli.Options;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Gating;
using ModelGate.Core.Registries;
using ModelGate.Demo;
using ModelGate.Forgetting.Metrics;

namespace ModelGate.Cli.Commands;

/// <summary>
/// <c>forgetting-demo</c>: trains the demo (a tiny LLaMA pre-trained on prose, a LoRA adapter trained hard on code that
/// forgets the prose, a mild one trained gently on more prose), measures both adapters' forgetting on held-out prose,
/// then gates both with the default policy's forgetting limits: the first is blocked, the second allowed.
/// </summary>
public static class ForgettingDemoCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("forgetting-demo", "Train a tiny base and two adapters (one forgets, one does not), measure forgetting and gate both.") { ForgettingDemoCommandOptions.FolderOption };
        command.SetAction((parse, ct) => context.RunAsync(parse, async host =>
        {
            var options = ForgettingDemoCommandOptions.Bind(parse, host);
            var (root, device) = (options.Folder, options.Device);
            var (baseModel, forgets, mild, prose) = (Path.Combine(root, "base"), Path.Combine(root, "adapter-forgets"), Path.Combine(root, "adapter-mild"), Path.Combine(root, "corpus", "prose-heldout.txt"));
            if (new[] { baseModel, forgets, mild }.All(Directory.Exists) && File.Exists(prose))
            {
                context.Error.WriteLine($"reusing the demo in {root}");
            }
            else
            {
                context.Error.WriteLine($"training the demo models into {root} (a minute or two on a small CPU)");
                new ForgettingDemoBuilder().Build(root, replace: true, ct);
            }

            var evaluator = host.Services.GetRequiredService<ForgettingEvaluator>();
            var runner = host.Services.GetRequiredService<GateRunner>();
            var policy = GatePolicyLoader.Default with { Forgetting = GatePolicyLoader.Default.Forgetting with { Corpus = prose } };
            foreach (var (title, adapter) in new[] { ("adapter trained hard on code", forgets), ("adapter trained gently on more prose", mild) })
            {
                context.Out.WriteLine();
                context.Out.WriteLine($"== {title}: {adapter}");
                var report = await ConsoleProgress.RunAsync(context.Error, context.ErrorIsTerminal, "forgetting",
                    p => Task.Run(() => evaluator.EvaluateAsync(new ForgettingRequest { BaseModel = baseModel, Adapters = [adapter], Corpus = prose, Device = device }, p, ct), ct));
                ForgettingTable.Write(OutputConsole.Create(context.Out, context.OutIsTerminal), report);
                var gate = await ConsoleProgress.RunAsync(context.Error, context.ErrorIsTerminal, "gate",
                    p => runner.RunAsync(new GateRequest { BaseModel = ResolvedModel.Folder(baseModel), Adapters = [ResolvedModel.Folder(adapter)], Policy = policy, Device = device }, p, ct));
                GateTable.Write(OutputConsole.Create(context.Out, context.OutIsTerminal), gate);
            }

            context.Out.WriteLine();
            context.Out.WriteLine($"try: dotnet intruder-gate forgetting --base {baseModel} --adapter {forgets} --corpus {prose} --format markdown");
            context.Out.WriteLine($"     dotnet intruder-gate gate --base {baseModel} --adapter {mild} --corpus {prose}");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
