using System.CommandLine;
using System.Globalization;
using ModelGate.Cli.Benchmarking;
using ModelGate.Core.Errors;
using ModelGate.Core.Spectral;
using ModelGate.Demo;
using ModelGate.Torch.Runtime;
using ModelGate.Torch.Spectral;
using Spectre.Console;
using ModelGate.Cli.Options;
using ModelGate.Core.Registries;
using Microsoft.Extensions.DependencyInjection;

namespace ModelGate.Cli.Commands;

/// <summary>
/// <c>bench</c>: the full-SVD path and the low-rank path with a warm cache, side by side in one run on the same
/// matrices (this machine is noisy; a ratio measured in one run is what to compare), with the counts of both.
/// <c>--model</c> runs a real model's stand-in through every costly verb; <c>--precision</c> compares the spectrum
/// cache's stored precisions against the float32 full SVD on a real model's matrix shapes.
/// </summary>
public static class BenchCommand
{
    private const string AllModels = "all";

    private static readonly Option<string> Shapes = new("--shapes")
    {
        Description = "Comma-separated ROWSxCOLS (or N for N×N).",
        DefaultValueFactory = _ => "2048,4096,11008x4096",
    };

    private static readonly Option<string> Ranks = new("--ranks") { Description = "Comma-separated LoRA ranks.", DefaultValueFactory = _ => "8,16,64" };

    private static readonly Option<string?> Model = new("--model")
    {
        Description = $"Instead of matrices: a stand-in of a real model ({string.Join(", ", RealModelShape.Presets.Select(p => p.Name))}) with an all-linear r=16 adapter, through every costly verb, each as its own process. With --precision: those models' matrix shapes, or {AllModels} (the default).",
    };

    private static readonly Option<bool> Precision = new("--precision")
    {
        Description = "Instead: per distinct matrix shape of --model, the float32 full SVD beside the warm analysis from spectra stored in F32, F16 and BF16 (bytes, counts, max |Δ max-cosine|).",
    };

    private static readonly Option<int?> Layers = new("--layers") { Description = "With --model: decoder layers to build and measure (default: all); the table projects to the full depth." };
    private static readonly Option<int> FullSvdLayers = new("--full-svd-layers") { Description = "With --model: layers the full-SVD method runs on, projected to the rest (default 2).", DefaultValueFactory = _ => 2 };
    private static readonly Option<int> Shards = new("--shards") { Description = "With --model: 0 shards as the hub does (default); N splits the base into N shards." };
    private static readonly Option<string?> Folder = new("--folder") { Description = "With --model: where the model, adapter and outputs go; a model built there before is reused (default: a folder under the temp folder)." };
    private static readonly Option<string?> Registry = new("--registry")
    {
        Description = "With --model: also upload the model there (a writable remote registry location: az:// or an https blob URL), publish its spectra there and time a warm gate that streams everything from it.",
    };

    private static readonly Option<bool> NoForgetting = new("--no-forgetting") { Description = "With --model: skip the forgetting pass." };

    public static Command Create(CliContext context)
    {
        var command = new Command("bench", "Time the full-SVD path against the low-rank path (warm cache) on generated matrices.") { Shapes, Ranks, Model, Precision, Layers, FullSvdLayers, Shards, Folder, NoForgetting, Registry };
        command.SetAction((parse, ct) => context.RunAsync(parse, async host =>
        {
            if (parse.GetValue(Precision))
            {
                var models = PresetsNamed(parse.GetValue(Model) ?? AllModels, allowAll: true);
                new PrecisionBenchmark(models, SharedOptions.Device(parse, host), context.Out, context.Error).Run(ct);
                return ExitCodes.Ok;
            }

            if (parse.GetValue(Model) is { } model)
            {
                return await RunModelAsync(context, parse, host.Services.GetRequiredService<RegistryCatalog>(), model, ct);
            }

            var shapes = ParseShapes(parse.GetValue(Shapes)!);
            var ranks = ParseList(parse.GetValue(Ranks)!, "--ranks").Select(r => (int)r).ToArray();
            var device = TorchDeviceSelector.Select(SharedOptions.Device(parse, host));
            var work = Directory.CreateTempSubdirectory("modelgate-bench-").FullName;
            try
            {
                var rows = PathBenchmark.Run(shapes, ranks, work, device,
                    new Rendering.SynchronousProgress<string>(line => context.Error.WriteLine(line)), ct);
                Write(context, rows, device.ToString());
                return rows.All(r => r.CountsAgree) ? ExitCodes.Ok : ExitCodes.Unexpected;
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
        }, ct));
        return command;
    }

    private static async Task<int> RunModelAsync(CliContext context, ParseResult parse, RegistryCatalog registries, string model, CancellationToken ct)
    {
        var shape = PresetsNamed(model, allowAll: false)[0];
        var layers = parse.GetValue(Layers) ?? shape.Layers;
        if (layers < 1 || layers > shape.Layers)
        {
            throw new UserInputException($"--layers: {shape.Name} has 1 to {shape.Layers} layers, got {layers}");
        }

        var fullSvdLayers = parse.GetValue(FullSvdLayers);
        if (fullSvdLayers < 1)
        {
            throw new UserInputException($"--full-svd-layers must be at least 1, got {fullSvdLayers}");
        }

        var shards = parse.GetValue(Shards);
        if (shards < 0)
        {
            throw new UserInputException($"--shards must be 0 (as the hub) or a positive number, got {shards}");
        }

        var registry = parse.GetValue(Registry);
        if (registry is not null && RegistryReference.Parse(registry) is { IsLocalPath: true } or { Scheme: "hf" })
        {
            throw new UserInputException($"--registry {registry}: a folder or file:// is read in place, not streamed, and hf:// is read-only here; give an az:// location or an https blob URL");
        }

        var settings = new ModelBenchmarkSettings
        {
            Shape = shape,
            Layers = layers,
            FullSvdLayers = Math.Min(fullSvdLayers, layers),
            Shards = shards,
            Folder = Path.GetFullPath(parse.GetValue(Folder) ?? Path.Combine(Path.GetTempPath(), $"modelgate-bench-{shape.Name}-{layers}")),
            Forgetting = !parse.GetValue(NoForgetting),
            Registry = registry,
        };
        foreach (var line in await new ModelBenchmark(settings, registries, context.Error).RunAsync(ct))
        {
            context.Out.WriteLine(line);
        }

        return ExitCodes.Ok;
    }

    /// <summary>The preset <paramref name="name"/> names, or every preset for <see cref="AllModels"/> where that is allowed.</summary>
    private static IReadOnlyList<RealModelShape> PresetsNamed(string name, bool allowAll)
    {
        if (allowAll && string.Equals(name, AllModels, StringComparison.OrdinalIgnoreCase))
        {
            return RealModelShape.Presets;
        }

        var shape = RealModelShape.Presets.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        return shape is not null
            ? [shape]
            : throw new UserInputException($"--model: '{name}' is not one of {string.Join(", ", RealModelShape.Presets.Select(p => p.Name))}{(allowAll ? $" or {AllModels}" : "")}");
    }

    private static void Write(CliContext context, IReadOnlyList<PathBenchmarkRow> rows, string device)
    {
        var inv = CultureInfo.InvariantCulture;
        context.Out.WriteLine($"| shape | r | full-SVD path | low-rank path (warm cache) | speed-up | intruders (full / low-rank) | max Δcos | cache build (once) |");
        context.Out.WriteLine("|---|---:|---:|---:|---:|---|---:|---:|");
        foreach (var r in rows)
        {
            context.Out.WriteLine(string.Create(inv,
                $"| {r.Rows}×{r.Cols} | {r.Rank} | {r.FullSvd.TotalSeconds:0.000} s | {r.LowRankWarm.TotalSeconds:0.000} s | {r.Speedup:0}× | {r.FullSvdIntruders} / {r.LowRankIntruders}{(r.CountsAgree ? "" : " ✗")} | {r.MaxCosineDifference:0.0E+0} | {r.CacheBuild.TotalSeconds:0.00} s |"));
        }

        context.Out.WriteLine();
        context.Out.WriteLine($"device {device}, {Environment.ProcessorCount} cores, {Markup.Escape(ModelGate.Core.ToolVersion.Current)}");
    }

    private static IReadOnlyList<(long Rows, long Cols)> ParseShapes(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s =>
        {
            var parts = s.Split('x', 'X', '×');
            var values = parts.Select(p => long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : 0).ToArray();
            return values.Length switch
            {
                1 when values[0] > 0 => (values[0], values[0]),
                2 when values[0] > 0 && values[1] > 0 => (values[0], values[1]),
                _ => throw new UserInputException($"--shapes: '{s}' is not N or ROWSxCOLS with positive whole numbers"),
            };
        }).ToArray();

    private static IReadOnlyList<long> ParseList(string text, string option) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0
                ? v
                : throw new UserInputException($"{option}: '{s}' is not a positive whole number"))
            .ToArray();
}
