using ModelGate.Torch.Spectral.Cache;

namespace ModelGate.Torch.Tests.Spectral.Cache;

/// <summary>Plain-array checks of a spectrum, independent of TorchSharp.</summary>
internal static class SpectrumMath
{
    /// <summary>‖U·diag(S)·Vᵀ − W‖_F / ‖W‖_F for a row-major Rows × Cols matrix W.</summary>
    public static double RelativeReconstructionError(BaseSpectrum s, float[] w)
    {
        int rows = (int)s.Rows, cols = (int)s.Cols, p = s.Rank;
        double error = 0, norm = 0;
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                double sum = 0;
                for (var k = 0; k < p; k++)
                {
                    sum += (double)s.U[(i * p) + k] * s.S[k] * s.V[(j * p) + k];
                }

                var expected = w[(i * cols) + j];
                error += (sum - expected) * (sum - expected);
                norm += (double)expected * expected;
            }
        }

        return Math.Sqrt(error / norm);
    }

    /// <summary>The transpose of a row-major rows × cols matrix.</summary>
    public static float[] Transpose(float[] w, long rows, long cols)
    {
        var t = new float[w.Length];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                t[(j * rows) + i] = w[(i * cols) + j];
            }
        }

        return t;
    }

    /// <summary>A spectrum-shaped set of arrays with arbitrary values, for tests of storage rather than of the SVD.</summary>
    public static BaseSpectrum Arbitrary(long rows, long cols, int seed)
    {
        var random = new Random(seed);
        var p = (int)Math.Min(rows, cols);
        float[] Values(long n) => Enumerable.Range(0, (int)n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        return new BaseSpectrum(rows, cols, Values(rows * p), [.. Values(p).Select(Math.Abs).OrderDescending()], Values(cols * p));
    }
}
