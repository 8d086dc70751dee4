using System.Globalization;
using ModelGate.Core.Spectral;
using ModelGate.Core.Spectral.Cache;
using ModelGate.Demo;
using ModelGate.Torch.Spectral.Cache;

namespace ModelGate.Cli.Benchmarking;

/// <summary>
/// <c>bench --precision</c>: for each distinct linear-matrix shape of each model (one matrix per shape, from layer 0;
/// embeddings are not analysed), the preset's pretrained-like W0 and an r = 16 update with planted intruders
/// (<see cref="RealShapeModelBuilder.PlantedMatrix"/>) through <see cref="SpectrumPrecisionBenchmark"/>: the float32
/// full SVD beside the warm analysis from spectra stored in F32, F16 and BF16. Rows are written as they are measured,
/// so a long run that fails later keeps what it measured.
/// </summary>
/// <param name="models">The real-model presets whose distinct matrix shapes are measured.</param>
/// <param name="device">auto, cpu, cuda or cuda:N, as --device.</param>
/// <param name="output">Where the table goes, row by row.</param>
/// <param name="log">Where progress lines go.</param>
public sealed class PrecisionBenchmark(IReadOnlyList<RealModelShape> models, string device, TextWriter output, TextWriter log)
{
    /// <summary>Intruders planted in every matrix: the most the model benchmark's adapter plants in one.</summary>
    public const int Intruders = 2;

    /// <summary>The LoRA rank of the update, that of the model benchmark's all-linear adapter.</summary>
    public const int Rank = 16;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly SpectrumPrecision[] Precisions = [SpectrumPrecision.F32, SpectrumPrecision.F16, SpectrumPrecision.BF16];

    /// <summary>Runs every shape and returns the rows; the table and its footer go to the output as they come.</summary>
    public IReadOnlyList<SpectrumPrecisionRow> Run(CancellationToken cancellationToken)
    {
        var load = ModelBenchmark.LoadAverage();
        var start = DateTime.UtcNow;
        var tolerance = SpectrumPrecisionRow.Tolerance.ToString("0E+0", Inv);
        output.WriteLine($"| model | matrices | shape | stored F32 / F16 / BF16 | intruders: full SVD · F32 · F16 · BF16 | max \\|Δ max-cos\\| F32 · F16 · BF16 (≤ {tolerance}?) | time |");
        output.WriteLine("|---|---|---|---|---|---|---:|");
        var rows = new List<SpectrumPrecisionRow>();
        var work = Directory.CreateTempSubdirectory("modelgate-bench-precision-").FullName;
        try
        {
            foreach (var model in models)
            {
                var builder = new RealShapeModelBuilder { Shape = model, Layers = 1, AdapterRank = Rank };
                foreach (var shape in model.LayerMatrices(0).GroupBy(m => (m.Rows, m.Cols)))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var (module, m, n) = shape.First();
                    var modules = string.Join(", ", shape.Select(s => s.Module[(s.Module.LastIndexOf('.') + 1)..]));
                    log.WriteLine($"bench: {model.Name} {modules} {m}×{n}: full SVD, then spectra stored in {string.Join(", ", Precisions)}");
                    var row = SpectrumPrecisionBenchmark.Run(module + ".weight", () => builder.PlantedMatrix(module, m, n, Intruders), Precisions, work, device, cancellationToken);
                    rows.Add(row);
                    output.WriteLine(Format(model.Name, modules, row));
                }
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        output.WriteLine();
        output.WriteLine(string.Create(Inv,
            $"k = {AnalysisDefaults.K}, ε = {AnalysisDefaults.Epsilon}, r = {Rank} with {Intruders} planted intruders per matrix; " +
            $"{start:yyyy-MM-dd}, {(DateTime.UtcNow - start).TotalSeconds:0} s in all, device {device}, {Environment.ProcessorCount} cores, {ModelBenchmark.Conditions(load)}"));
        return rows;
    }

    private static string Format(string model, string modules, SpectrumPrecisionRow row)
    {
        string Count(StoredSpectrumResult r) => r.Intruders == row.ReferenceIntruders ? r.Intruders.ToString(Inv) : $"{r.Intruders} ✗";
        string Difference(StoredSpectrumResult r) => string.Create(Inv, $"{r.MaxCosineDifference:0.0E+0} {(row.Passes(r) ? "✓" : "✗")}");
        return string.Create(Inv,
            $"| {model} | {modules} | {row.Rows}×{row.Cols} | {string.Join(" / ", row.Stored.Select(r => ModelBenchmark.Bytes(r.Bytes)))} " +
            $"| {row.ReferenceIntruders} · {string.Join(" · ", row.Stored.Select(Count))} | {string.Join(" · ", row.Stored.Select(Difference))} | {row.Elapsed.TotalSeconds:0.0} s |");
    }
}
