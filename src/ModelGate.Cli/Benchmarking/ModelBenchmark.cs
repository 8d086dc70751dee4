using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ModelGate.Core.Registries;
using ModelGate.Core.Tensors;
using ModelGate.Demo;

namespace ModelGate.Cli.Benchmarking;

/// <summary>
/// <c>bench --model</c>: a stand-in of a real model (<see cref="RealShapeModelBuilder"/>) and an all-linear r=16 adapter,
/// then every costly thing a release gate does to them, each as its own process of this tool (as a user runs it), side
/// by side in one run: the paper's full-SVD method, the cold spectrum build, the warm analysis, merge against cp of the
/// same bytes, and the forgetting pass in float32 and bfloat16; with a registry, publishing the spectra there and a
/// warm gate that streams the base, the adapter and the spectra from it with an empty cache. Each row has its wall time and peak RSS; the rows
/// measured on part of the model are projected to all of it with the arithmetic printed.
/// </summary>
public sealed class ModelBenchmark(ModelBenchmarkSettings settings, RegistryCatalog registries, TextWriter log)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly List<string> _rows = [];
    private readonly List<string> _notes = [];

    private string Base => Path.Combine(settings.Folder, "base");
    private string Adapter => Path.Combine(settings.Folder, "adapter");

    public async Task<IReadOnlyList<string>> RunAsync(CancellationToken cancellationToken)
    {
        var load = LoadAverage();
        var builder = new RealShapeModelBuilder { Shape = settings.Shape, Layers = settings.Layers, Shards = settings.Shards };
        Prepare(builder);
        var (tool, prefix) = ChildProcessMeter.ThisTool();
        Task<MeasuredRun> Tool(string title, params string[] args) =>
            ChildProcessMeter.RunAsync(title, tool, [.. prefix, .. args, "--device", "cpu"], null, cancellationToken);

        var depth = settings.Shape.Layers;
        var layers = settings.Layers;
        var subset = Math.Min(settings.FullSvdLayers, layers);
        var subsetRegex = $@"^model\.layers\.({string.Join('|', Enumerable.Range(0, subset))})\.";
        var cold = Path.Combine(settings.Folder, "cache");
        var planted = builder.PlantedIntruders;

        log.WriteLine($"bench: full-SVD method on {subset} of {layers} layers");
        var full = ChildProcessMeter.Succeeded(await Tool("full-SVD", "analyze", "--base", Base, "--adapter", Adapter, "--method", "full-svd",
            "--modules", subsetRegex, "--format", "json", "--output", Report("full-svd"), "--cache", cold));
        var fullReport = ReadJson(Report("full-svd"));
        var fullAnalysis = (double)fullReport["elapsedSeconds"]!;
        var fullFixed = Math.Max(0, full.Seconds - fullAnalysis);
        var fullProjected = fullFixed + (fullAnalysis * layers / subset);
        var fullAtDepth = fullFixed + (fullAnalysis * depth / subset);

        log.WriteLine("bench: cold spectrum build (precompute into an empty cache)");
        if (Directory.Exists(cold))
        {
            Directory.Delete(cold, recursive: true);
        }

        var precompute = ChildProcessMeter.Succeeded(await Tool("cold", "precompute", "--base", Base, "--cache", cold));
        var spectraBytes = Directory.EnumerateFiles(cold, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

        log.WriteLine("bench: warm analysis");
        var warm = ChildProcessMeter.Succeeded(await Tool("warm", "analyze", "--base", Base, "--adapter", Adapter, "--format", "json",
            "--output", Report("warm"), "--cache", cold));
        var warmReport = ReadJson(Report("warm"));
        var warmCounts = Counts(warmReport);
        var fullCounts = Counts(fullReport);
        var agree = fullCounts.All(p => warmCounts.TryGetValue(p.Key, out var c) && c == p.Value);
        var found = warmCounts.All(p => planted.TryGetValue(p.Key, out var c) && c == p.Value) && warmCounts.Count == planted.Count;
        var warmAnalysis = (double)warmReport["elapsedSeconds"]!;
        var warmFixed = Math.Max(0, warm.Seconds - warmAnalysis);
        var warmAtDepth = warmFixed + (warmAnalysis * depth / layers);

        Row("paper's method: full SVD of W0 and Wt (libtorch `torch.linalg.svd`, `--method full-svd`)", full,
            $"{subset} of {layers} layers, {fullCounts.Count} matrices; projected to {layers} layers: {Seconds(fullFixed)} fixed + {Seconds(fullAnalysis)} × {layers}/{subset} = **{Seconds(fullProjected)}**" +
            (depth != layers ? $"; to all {depth}: {Seconds(fullFixed)} + {Seconds(fullAnalysis)} × {depth}/{subset} = **{Seconds(fullAtDepth)}**" : ""));
        Row("cold spectrum build (`precompute`, empty cache)", precompute,
            $"{planted.Count} matrices, spectra {Bytes(spectraBytes)} on disk" +
            (depth != layers ? $"; × {depth}/{layers} = {Seconds(precompute.Seconds * depth / layers)}, {Bytes(spectraBytes * depth / layers)}" : ""));
        Row("warm analysis (`analyze`, warm cache)", warm,
            $"{warmCounts.Values.Sum()} intruders in {warmCounts.Count} matrices, planted {planted.Values.Sum()}: {(found ? "all found, no others" : "**differ**")}; " +
            $"full-SVD counts on its {fullCounts.Count} matrices {(agree ? "agree" : "**differ**")}" +
            (depth != layers ? $"; to all {depth}: {Seconds(warmFixed)} + {Seconds(warmAnalysis)} × {depth}/{layers} = **{Seconds(warmAtDepth)}**" : ""));
        _notes.Add(string.Create(Inv, $"Speed-up of the warm analysis over the full-SVD method, process to process, on {layers} layers: {Seconds(fullProjected)} / {Seconds(warm.Seconds)} = **{fullProjected / warm.Seconds:0.0}×**") +
            (depth != layers ? string.Create(Inv, $"; on all {depth} layers: {Seconds(fullAtDepth)} / {Seconds(warmAtDepth)} = **{fullAtDepth / warmAtDepth:0.0}×**.") : "."));

        if (settings.Registry is { } registry)
        {
            await RegistryRowsAsync(Tool, registry, cold, warm, cancellationToken);
        }

        await MergeRowsAsync(Tool, cancellationToken);
        if (settings.Forgetting)
        {
            await ForgettingRowsAsync(Tool, builder);
        }

        var table = new List<string>
        {
            $"`bench --model {settings.Shape.Name} --layers {layers} --full-svd-layers {subset}`: {layers} of {depth} layers, {builder.LinearMatrices.Count} linear matrices, bf16 base {Bytes(builder.ModelBytes)}",
            "",
            "| step | wall time (process) | peak RSS | what, and the arithmetic |",
            "|---|---:|---:|---|",
        };
        table.AddRange(_rows);
        table.Add("");
        table.AddRange(_notes.Select(n => "- " + n));
        table.Add("");
        table.Add(string.Create(Inv, $"{DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, {Bytes(TotalMemory())} RAM, {Conditions(load)}"));
        return table;
    }

    /// <summary>
    /// The publish-once, stream-per-PR workflow against a real registry: the base and adapter uploaded (setup, not
    /// timed), the spectra published from the warm cache, then a gate on a fresh, empty cache that streams everything.
    /// </summary>
    private async Task RegistryRowsAsync(Func<string, string[], Task<MeasuredRun>> tool, string registry, string cache, MeasuredRun warm, CancellationToken cancellationToken)
    {
        var location = RegistryReference.Parse(registry);
        log.WriteLine($"bench: uploading the base and adapter to {location.Display} (not timed)");
        foreach (var (folder, name) in new[] { (Base, "base"), (Adapter, "adapter") })
        {
            foreach (var file in Directory.GetFiles(folder))
            {
                await registries.For(location).CreateFileAsync(location.Append(name), Path.GetFileName(file), file, cancellationToken);
            }
        }

        var spectra = location.Append("spectra").Original;
        log.WriteLine("bench: publishing the spectra");
        var publish = ChildProcessMeter.Succeeded(await tool("publish", ["precompute", "--base", Base, "--cache", cache, "--precision", "f16", "--publish", spectra]));
        Row("publish spectra (`precompute --publish`, from the warm cache, F16)", publish, publish.Output.Split('\n').LastOrDefault(l => l.StartsWith("published", StringComparison.Ordinal))?.Trim() ?? "");

        log.WriteLine("bench: warm gate streamed from the registry, empty cache");
        var runnerCache = Path.Combine(settings.Folder, "runner-cache");
        if (Directory.Exists(runnerCache))
        {
            Directory.Delete(runnerCache, recursive: true);
        }

        var gate = ChildProcessMeter.Succeeded(await tool("streamed gate", ["gate", "--base", location.Append("base").Original, "--adapter", location.Append("adapter").Original,
            "--spectra", spectra, "--cache", runnerCache, "--json", Report("streamed-gate")]), 0, 1);
        var verdict = ReadJson(Report("streamed-gate"));
        var fetched = (long)verdict["analysis"]!["bytesFetched"]!;
        var runnerBytes = Directory.Exists(runnerCache) ? Directory.EnumerateFiles(runnerCache, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;
        var baseBytes = Directory.GetFiles(Base).Sum(f => new FileInfo(f).Length);
        Row("warm gate streamed from the registry (`gate --base/--adapter/--spectra` URIs, empty cache)", gate,
            string.Create(Inv, $"**{Bytes(fetched)} fetched** (base tensors the adapter touches, headers, spectra entries; the base is {Bytes(baseBytes)}); cache left {Bytes(runnerBytes)}; vs the local warm analysis {Seconds(warm.Seconds)}"));
    }

    private async Task MergeRowsAsync(Func<string, string[], Task<MeasuredRun>> tool, CancellationToken cancellationToken)
    {
        var merged = Path.Combine(settings.Folder, "merged");
        var copy = Path.Combine(settings.Folder, "copied");
        foreach (var d in new[] { merged, copy })
        {
            if (Directory.Exists(d))
            {
                Directory.Delete(d, recursive: true);
            }
        }

        using var weights = ModelWeights.Open(Base);
        var shards = weights.ShardFiles.Select(f => Path.Combine(Base, f)).ToArray();
        var bytes = shards.Sum(f => new FileInfo(f).Length);
        var largest = weights.Tensors.Max(t => t.ByteLength);

        log.WriteLine("bench: merge, then cp of the same bytes");
        var merge = ChildProcessMeter.Succeeded(await tool("merge", ["merge", "--base", Base, "--adapter", Adapter, "--output", merged]));
        Directory.CreateDirectory(copy);
        var cp = ChildProcessMeter.Succeeded(await ChildProcessMeter.RunAsync("cp", "cp", [.. shards, copy], null, cancellationToken));
        var sync = ChildProcessMeter.Succeeded(await ChildProcessMeter.RunAsync("sync", "sync", Directory.GetFiles(copy), null, cancellationToken));
        var cpDurable = cp.Seconds + sync.Seconds;
        var runtime = (await RuntimeFixedCostAsync(tool)).PeakRssBytes;
        Row("`merge` (all-linear adapter into the bf16 base, written durably)", merge,
            string.Create(Inv, $"{Bytes(bytes)} at {Rate(bytes, merge.Seconds)}; peak RSS vs 3 × largest tensor ({Bytes(largest)}) + runtime ({Bytes(runtime)}) = {Bytes(3 * largest + runtime)}"));
        Row("`cp` of the same shard files (same disk)", cp,
            string.Create(Inv, $"{Rate(bytes, cp.Seconds)}; + `sync` of the copies {Seconds(sync.Seconds)} = {Rate(bytes, cpDurable)} durable; merge / cp throughput = **{cp.Seconds / merge.Seconds:0.00}** (durable: **{cpDurable / merge.Seconds:0.00}**)"));
        Directory.Delete(merged, recursive: true);
        Directory.Delete(copy, recursive: true);
    }

    private async Task ForgettingRowsAsync(Func<string, string[], Task<MeasuredRun>> tool, RealShapeModelBuilder builder)
    {
        var corpus = Path.Combine(settings.Folder, "held-out.txt");
        File.WriteAllText(corpus, DemoCorpus.Prose(3, "held-out", 1200));
        foreach (var (dtype, size) in new[] { ("float32", 4L), ("bfloat16", 2L) })
        {
            log.WriteLine($"bench: forgetting pass, {dtype}");
            var run = ChildProcessMeter.Succeeded(await tool($"forgetting {dtype}", ["forgetting", "--base", Base, "--adapter", Adapter, "--corpus", corpus,
                "--dtype", dtype, "--max-length", "128", "--bootstrap", "0", "--format", "json", "--output", Report($"forgetting-{dtype}")]));
            var report = ReadJson(Report($"forgetting-{dtype}"));
            var throughput = report["throughput"]!;
            var modelBytes = builder.ModelBytes / 2 * size;
            var tokens = (long)throughput["base"]!["tokens"]! + (long)throughput["merged"]!["tokens"]!;
            Row($"forgetting pass, {dtype} (base and merged scored)", run,
                string.Create(Inv, $"{tokens:N0} tokens, base {(double)throughput["base"]!["tokensPerSecond"]!:0.0} tok/s, merged {(double)throughput["merged"]!["tokensPerSecond"]!:0.0} tok/s; peak RSS / model bytes ({Bytes(modelBytes)}) = **{(double)run.PeakRssBytes / modelBytes:0.00}×**"));
        }
    }

    /// <summary>Builds the model and adapter unless the folder already holds the same ones (a marker names them).</summary>
    private void Prepare(RealShapeModelBuilder builder)
    {
        var marker = Path.Combine(settings.Folder, "built.txt");
        var identity = string.Create(Inv, $"{builder.Shape.Name} layers={builder.LayerCount} shards={builder.Shards} seed={builder.Seed} rank={builder.AdapterRank}");
        if (File.Exists(marker) && File.ReadAllText(marker) == identity)
        {
            log.WriteLine($"bench: reusing {settings.Folder} ({identity})");
            return;
        }

        Directory.CreateDirectory(settings.Folder);
        File.Delete(marker);
        log.WriteLine($"bench: generating {identity} into {settings.Folder}");
        var clock = Stopwatch.StartNew();
        builder.BuildModel(Base, replace: true);
        builder.BuildAdapter(Base, Adapter, replace: true);
        File.WriteAllText(marker, identity);
        log.WriteLine(string.Create(Inv, $"bench: generated in {clock.Elapsed.TotalSeconds:0} s"));
    }

    /// <summary>Adds a row to the table and shows it at once: a long run that fails later keeps what it measured.</summary>
    private void Row(string step, MeasuredRun run, string detail)
    {
        var row = $"| {step} | {Seconds(run.Seconds)} | {Bytes(run.PeakRssBytes)} | {detail} |";
        _rows.Add(row);
        log.WriteLine(row);
    }

    private string Report(string name) => Path.Combine(settings.Folder, $"report-{name}.json");

    private static JsonNode ReadJson(string path) => JsonNode.Parse(File.ReadAllText(path))!;

    private static Dictionary<string, int> Counts(JsonNode report) =>
        report["modules"]!.AsArray().ToDictionary(m => (string)m!["name"]!, m => (int)m!["intruders"]!, StringComparer.Ordinal);

    /// <summary>
    /// What every merge pays whatever the model: the runtime and libtorch, measured as the peak RSS of merging a
    /// one-layer, hidden-64 model (kilobytes of tensors).
    /// </summary>
    private async Task<MeasuredRun> RuntimeFixedCostAsync(Func<string, string[], Task<MeasuredRun>> tool)
    {
        var tiny = Path.Combine(settings.Folder, "tiny");
        if (Directory.Exists(tiny))
        {
            Directory.Delete(tiny, recursive: true);
        }

        var model = new TinyModelBuilder { Layers = 1, DType = TensorDType.BF16 }.Build(Path.Combine(tiny, "base"));
        new LoraAdapterBuilder().WithIntruders(model.LinearModules[0], 1).Build(model.Folder, Path.Combine(tiny, "adapter"));
        var run = ChildProcessMeter.Succeeded(await tool("merge tiny", ["merge", "--base", model.Folder, "--adapter", Path.Combine(tiny, "adapter"), "--output", Path.Combine(tiny, "merged")]));
        Directory.Delete(tiny, recursive: true);
        return run;
    }

    private static string Seconds(double s) => s >= 100 ? string.Create(Inv, $"{s:0} s") : string.Create(Inv, $"{s:0.0} s");

    private static string Rate(long bytes, double seconds) => string.Create(Inv, $"{bytes / seconds / 1e6:0} MB/s");

    internal static string Bytes(long bytes) => bytes switch
    {
        >= 1_000_000_000 => string.Create(Inv, $"{bytes / 1e9:0.00} GB"),
        >= 1_000_000 => string.Create(Inv, $"{bytes / 1e6:0} MB"),
        _ => string.Create(Inv, $"{bytes / 1e3:0} kB"),
    };

    /// <summary>What else shaped the numbers, for a table's footer: the load then and now, OMP_NUM_THREADS, the tool's version.</summary>
    internal static string Conditions(string loadAtStart) =>
        $"load average {loadAtStart} at the start and {LoadAverage()} at the end, OMP_NUM_THREADS={Environment.GetEnvironmentVariable("OMP_NUM_THREADS") ?? "unset"}, {ModelGate.Core.ToolVersion.Current}";

    internal static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static long TotalMemory() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
}
