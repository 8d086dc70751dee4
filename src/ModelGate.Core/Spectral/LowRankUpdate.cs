using ModelGate.Core.Adapters;
using ModelGate.Core.Tensors;

namespace ModelGate.Core.Spectral;

/// <summary>Recognises updates that are exactly W0 + B·A and gathers their factors.</summary>
public static class LowRankUpdate
{
    /// <summary>
    /// Plain LoRA edits only (DoRA rescales rows, a replacement is dense), and a total rank small enough that the
    /// small problem stays small (2R below half of min(m, n)); anything else goes the dense Krylov way.
    /// </summary>
    public static bool IsLowRank(TensorUpdate update)
    {
        if (!update.Edits.All(e => e is TensorEdit.Lora { Module.IsDora: false }))
        {
            return false;
        }

        var rank = update.Edits.Sum(e => ((TensorEdit.Lora)e).Module.Rank);
        return 4L * rank < Math.Min(update.Base.Shape[0], update.Base.Shape[1]);
    }

    /// <summary>The total rank R of a low-rank update: its factors are m × R and R × n.</summary>
    public static int Rank(TensorUpdate update) => update.Edits.Cast<TensorEdit.Lora>().Sum(e => e.Module.Rank);

    /// <summary>[s₁B₁, s₂B₂, …] and [A₁; A₂; …] such that the analysed ΔW = B·A.</summary>
    public static LowRankFactors Factors(TensorUpdate update)
    {
        var modules = update.Edits.Cast<TensorEdit.Lora>().ToArray();
        var rank = Rank(update);
        var rows = update.Layout == MatrixLayout.Transposed ? update.Base.Shape[1] : update.Base.Shape[0];
        var cols = update.Layout == MatrixLayout.Transposed ? update.Base.Shape[0] : update.Base.Shape[1];
        var b = new float[rows * rank];
        var a = new float[rank * cols];
        var offset = 0;
        foreach (var edit in modules)
        {
            var m = edit.Module;
            var fa = edit.Adapter.Weights.ReadFloat32(m.A);
            var fb = edit.Adapter.Weights.ReadFloat32(m.B);
            var scale = (float)m.Scale;
            for (var r = 0; r < m.Rank; r++)
            {
                for (long i = 0; i < rows; i++)
                {
                    // Linear (Conv1D too, analysed out × in): ΔW = s·B·A. Embedding (analysed as stored, vocab × dim): ΔW = s·Aᵀ·Bᵀ.
                    b[(i * rank) + offset + r] = scale * (m.Kind == LoraModuleKind.Embedding ? fa[(r * rows) + i] : fb[(i * m.Rank) + r]);
                }

                for (long j = 0; j < cols; j++)
                {
                    a[((offset + r) * cols) + j] = m.Kind == LoraModuleKind.Embedding ? fb[(j * m.Rank) + r] : fa[(r * cols) + j];
                }
            }

            offset += m.Rank;
        }

        ThrowIfProductOverflows(update, b, a, rows, cols, rank);
        return new LowRankFactors(b, a, rank);
    }

    /// <summary>
    /// This path never forms B·A, yet a merge would, in float32, so finite factors whose product overflows are refused
    /// here as the merge (WeightMerger.ApplyChecked) refuses them on the dense paths. |ΔWᵢⱼ| ≤ Σᵣ maxᵢ|Bᵢᵣ|·maxⱼ|Aᵣⱼ|,
    /// which for a real adapter is dozens of orders of magnitude below float32's limit; only when that bound reaches
    /// it is ΔW formed, a row at a time, to find the element (reported in the analysed, out × in, orientation).
    /// </summary>
    private static void ThrowIfProductOverflows(TensorUpdate update, float[] b, float[] a, long rows, long cols, int rank)
    {
        var bound = 0.0;
        for (var r = 0; r < rank; r++)
        {
            var maxB = 0.0;
            for (long i = 0; i < rows; i++)
            {
                maxB = Math.Max(maxB, Math.Abs(b[(i * rank) + r]));
            }

            var maxA = 0.0;
            for (long j = 0; j < cols; j++)
            {
                maxA = Math.Max(maxA, Math.Abs(a[(r * cols) + j]));
            }

            bound += maxB * maxA;
        }

        if (bound < float.MaxValue)
        {
            return;
        }

        var row = new float[cols];
        for (long i = 0; i < rows; i++)
        {
            Array.Clear(row);
            for (var r = 0; r < rank; r++)
            {
                var bir = b[(i * rank) + r];
                for (long j = 0; j < cols; j++)
                {
                    row[j] += bir * a[(r * cols) + j];
                }
            }

            NonFiniteValues.ThrowIfAny(row, i * cols, update.OverflowSubject);
        }
    }
}
