using ModelGate.Core.Errors;

namespace ModelGate.Cli.Options;

/// <summary>
/// How the command line names each value Core's errors speak of (<see cref="InputField"/>): the flag the user typed,
/// with the environment variable where one sets it too. The error boundary words a Core error with these.
/// </summary>
public static class OptionNames
{
    private static readonly Dictionary<InputField, string> Flags = new()
    {
        [InputField.Adapter] = "--adapter",
        [InputField.K] = "--k (MODELGATE_K)",
        [InputField.Epsilon] = "--epsilon (MODELGATE_EPSILON)",
        [InputField.Method] = "--method",
        [InputField.Tolerance] = "--tolerance",
        [InputField.Modules] = "--modules",
        [InputField.Output] = "--output",
        [InputField.DType] = "--dtype",
        [InputField.BatchSize] = "--batch-size",
        [InputField.MaxLength] = "--max-length",
        [InputField.Stride] = "--stride",
        [InputField.Bootstrap] = "--bootstrap",
        [InputField.Lambda] = "--lambda",
        [InputField.ModuleLambda] = "--module-lambda",
        [InputField.MinIntruders] = "--min-intruders",
        [InputField.Spectra] = "--spectra",
        [InputField.Publish] = "--publish",
        [InputField.Promote] = "--promote",
        [InputField.Template] = "--template",
        [InputField.Cache] = "--cache",
        [InputField.Device] = "--device",
        [InputField.Json] = "--json",
        [InputField.Report] = "--report",
        [InputField.Html] = "--html",
        [InputField.Shard] = "--shard",
        [InputField.ModelCard] = "--model-card",
        [InputField.Sweep] = "--sweep",
        [InputField.TaskCorpus] = "--task-corpus",
    };

    /// <summary>The flag for <paramref name="field"/>; the domain's words for a field the command line has no flag for.</summary>
    public static string Of(InputField field) => Flags.GetValueOrDefault(field, field.Words);
}
