using System.CommandLine;
using Microsoft.Extensions.Hosting;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Gating;
using ModelGate.Core.Spectral;
using ModelGate.Core.Spectral.Sharding;

namespace ModelGate.Cli.Options;

/// <summary>
/// The options several verbs take, each defined once with one description: a verb lists the ones it takes, and its
/// options record (<c>*CommandOptions.Bind</c>) reads them. An option instance may belong to several commands.
/// </summary>
public static class SharedOptions
{
    private const string Uris = "az://, https://…blob…, hf://org/name@rev, file://";

    public static readonly Option<string> Base = new("--base")
    {
        Description = $"Base model folder (config.json + safetensors, sharded or not; tokenizer files where text is scored), or a registry URI ({Uris}).",
        Required = true,
    };

    public static readonly Option<string[]> Adapters = new("--adapter")
    {
        Description = "PEFT adapter folder or registry URI. Where a verb takes several, repeat it: they apply in order, each trained on the base with the ones before merged (mitigate repairs one).",
        AllowMultipleArgumentsPerToken = false,
    };

    public static readonly Option<string?> Tuned = new("--tuned") { Description = "A fully fine-tuned model folder (or registry URI) to compare instead of adapters." };

    public static readonly Option<int> K = new("--k") { Description = $"How many top tuned singular vectors to check (default {AnalysisDefaults.K}). Env MODELGATE_K." };

    public static readonly Option<double> Epsilon = new("--epsilon") { Description = $"Intruder threshold on the max |cosine| (default {AnalysisDefaults.Epsilon}). Env MODELGATE_EPSILON." };

    public static readonly Option<string?> Modules = new("--modules") { Description = "Only weights whose name matches this regular expression (in gate, over the policy's analysis.modules)." };

    public static readonly Option<string> Method = new("--method")
    {
        Description = "auto (cached base spectra; low-rank or Krylov per module) or full-svd (the paper's reference computation).",
        DefaultValueFactory = _ => AnalysisMethod.Auto,
    };

    public static readonly Option<double> Tolerance = new("--tolerance")
    {
        Description = $"Residual tolerance of the iterative paths, relative to σ₁ (default {AnalysisDefaults.Tolerance:0E+0}). Env MODELGATE_TOLERANCE.",
    };

    public static readonly Option<string?> Spectra = new("--spectra")
    {
        Description = "Published base spectra (az://, https blob URL, file://, a folder; written by precompute --publish), read when the local cache misses. With a registry --base the base is then streamed: only the tensors analysed are fetched, by range. Env MODELGATE_SPECTRA.",
    };

    public static readonly Option<string?> Shard = new("--shard")
    {
        Description = "Only shard K of N (e.g. 3/8) of the modules, split by their SVD cost the same way in every job of a CI matrix; the report records it, for gate --analysis.",
    };

    public static readonly Option<ReportFormat> Format = new("--format") { Description = "table, json or markdown.", DefaultValueFactory = _ => ReportFormat.Table };

    public static readonly Option<string?> Output = new("--output", "-o") { Description = "Write the report to this file (atomically) instead of stdout." };

    public static readonly Option<string?> Corpus = new("--corpus") { Description = "Held-out text for forgetting (in gate, over the policy's forgetting.corpus): .txt (paragraphs are documents), .jsonl ({\"text\": ...} per line) or a folder of them." };

    public static readonly Option<string?> Tasks = new("--tasks") { Description = "Comma-separated tasks for forgetting: NAME=FILE reads a .parquet/.jsonl/.json file in the format of the lm-eval task NAME (hellaswag, arc_easy, arc_challenge, piqa, winogrande, boolq, lambada_openai, wikitext); any other entry is a multiple-choice JSONL file ({\"context\", \"choices\", \"label\"} per line). In gate, over the policy's forgetting.tasks." };

    /// <summary>
    /// The analysis settings from <see cref="K"/>, <see cref="Epsilon"/>, <see cref="Modules"/>, <see cref="Method"/>,
    /// <see cref="Tolerance"/>, <see cref="Spectra"/>, <see cref="Shard"/> and --cache: each from the command line, else the settings file or
    /// MODELGATE_* environment, else <paramref name="fallback"/> (the policy's analysis section for gate, else the defaults).
    /// </summary>
    public static AnalysisSettings Analysis(ParseResult parse, IHost host, AnalysisPolicy? fallback = null)
    {
        fallback ??= new AnalysisPolicy();
        return new AnalysisSettings
        {
            K = CliHost.Setting(parse, host, K, "K", fallback.K),
            Epsilon = CliHost.Setting(parse, host, Epsilon, "Epsilon", fallback.Epsilon),
            Modules = CliHost.Setting(parse, host, Modules, "Modules", fallback.Modules),
            Method = CliHost.Setting(parse, host, Method, "Method", fallback.Method),
            Tolerance = CliHost.Setting(parse, host, Tolerance, "Tolerance", AnalysisDefaults.Tolerance),
            CacheFolder = CommonOptions.CacheFolder(parse, host),
            Spectra = CliHost.Setting(parse, host, Spectra, "Spectra", null),
            Shard = parse.GetValue(Shard) is { } shard ? AnalysisShard.Parse(shard) : null,
        };
    }

    /// <summary>--device, else MODELGATE_DEVICE or the settings file, else auto.</summary>
    public static string Device(ParseResult parse, IHost host) =>
        CliHost.Setting<string?>(parse, host, CommonOptions.Device, "Device", "auto") ?? "auto";
}
