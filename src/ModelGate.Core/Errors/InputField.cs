namespace ModelGate.Core.Errors;

/// <summary>
/// Something the user gives, named in the domain's words. Core's messages speak of it this way; each front end names
/// it as its user wrote it (the CLI a flag, the MSBuild task a property or item metadata) by <see cref="Key"/>.
/// </summary>
/// <param name="Key">A stable identifier front ends map from (camelCase, like the settings keys).</param>
/// <param name="Words">How Core's messages name it.</param>
public sealed record InputField(string Key, string Words)
{
    public static readonly InputField Adapter = new("adapter", "adapter");
    public static readonly InputField K = new("k", "k (top singular vectors compared)");
    public static readonly InputField Epsilon = new("epsilon", "ε (intruder threshold on the max |cosine|)");
    public static readonly InputField Method = new("method", "analysis method");
    public static readonly InputField Tolerance = new("tolerance", "iteration tolerance");
    public static readonly InputField Modules = new("modules", "module pattern");
    public static readonly InputField Output = new("output", "output folder");
    public static readonly InputField DType = new("dtype", "dtype");
    public static readonly InputField BatchSize = new("batchSize", "batch size");
    public static readonly InputField MaxLength = new("maxLength", "window length");
    public static readonly InputField Stride = new("stride", "window stride");
    public static readonly InputField Bootstrap = new("bootstrap", "bootstrap resamples");
    public static readonly InputField Lambda = new("lambda", "λ");
    public static readonly InputField ModuleLambda = new("moduleLambda", "per-module λ");
    public static readonly InputField MinIntruders = new("minIntruders", "minimum intruders per module");
    public static readonly InputField Spectra = new("spectra", "published spectra location");
    public static readonly InputField Publish = new("publish", "spectra destination");
    public static readonly InputField Promote = new("promote", "release destination");
    public static readonly InputField Template = new("template", "report template");
    public static readonly InputField Cache = new("cache", "spectrum cache folder");
    public static readonly InputField Device = new("device", "device");
    public static readonly InputField Json = new("json", "verdict file");
    public static readonly InputField Report = new("report", "Markdown report");
    public static readonly InputField Html = new("html", "HTML report");
    public static readonly InputField Shard = new("shard", "shard");
    public static readonly InputField ModelCard = new("modelCard", "model card");
    public static readonly InputField Sweep = new("sweep", "λ values of the repair sweep");
    public static readonly InputField TaskCorpus = new("taskCorpus", "held-out task text");

    /// <summary>Every field, for front ends that check they name each one.</summary>
    public static IReadOnlyList<InputField> All { get; } =
    [
        Adapter, K, Epsilon, Method, Tolerance, Modules, Output, DType, BatchSize, MaxLength, Stride, Bootstrap, Lambda,
        ModuleLambda, MinIntruders, Spectra, Publish, Promote, Template, Cache, Device, Json, Report, Html, Shard,
        ModelCard,
        Sweep, TaskCorpus,
    ];
}
