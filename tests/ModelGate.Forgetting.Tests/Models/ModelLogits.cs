using System.Text.Json;
using ModelGate.Core.Tensors;
using ModelGate.Forgetting.Models;
using static TorchSharp.torch;

namespace ModelGate.Forgetting.Tests.Models;

/// <summary>Runs a model on plain arrays and reads reference values, so the tests compare numbers, not tensors.</summary>
internal static class ModelLogits
{
    public static float[] Run(ILanguageModel model, long[][] ids, long[][]? mask = null)
    {
        using var scope = NewDisposeScope();
        var input = tensor(ids.SelectMany(r => r).ToArray(), [ids.Length, ids[0].Length]);
        var attention = mask is null ? null : tensor(mask.SelectMany(r => r).ToArray(), [mask.Length, mask[0].Length]);
        var logits = model.Forward(input, attention);
        Assert.Equal([ids.Length, ids[0].Length, model.VocabularySize], logits.shape);
        Assert.Equal(ScalarType.Float32, logits.dtype);
        return logits.cpu().data<float>().ToArray();
    }

    public static float[] Reference(string file)
    {
        using var f = SafetensorsFile.Open(file);
        return f.ReadFloat32(f.Get("logits"));
    }

    public static double MaxAbsDifference(float[] actual, float[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        return actual.Zip(expected).Max(p => Math.Abs((double)p.First - p.Second));
    }

    /// <summary>log p(next token) at every position of one causal sequence, as the peer vectors' <c>tokenLogProbs</c>.</summary>
    public static double[] NextTokenLogProbs(ILanguageModel model, long[] ids)
    {
        using var scope = NewDisposeScope();
        var logits = model.Forward(tensor(ids, [1, ids.Length]), null)[0];
        var logProbs = logits.log_softmax(-1);
        return Enumerable.Range(0, ids.Length - 1).Select(i => logProbs[i, ids[i + 1]].item<float>()).Select(v => (double)v).ToArray();
    }

    /// <summary>log p(token | rest) with each inner position masked in turn (Salazar et al.'s pseudo-log-likelihood terms).</summary>
    public static double[] MaskedTokenLogProbs(ILanguageModel model, long[] ids, long maskId)
    {
        using var scope = NewDisposeScope();
        var positions = Enumerable.Range(1, ids.Length - 2).ToArray();
        var batch = positions.SelectMany(p => ids.Select((id, j) => j == p ? maskId : id)).ToArray();
        var logProbs = model.Forward(tensor(batch, [positions.Length, ids.Length]), null).log_softmax(-1);
        return positions.Select((p, row) => (double)logProbs[row, p, ids[p]].item<float>()).ToArray();
    }

    public static long[] Ids(JsonElement element) => element.EnumerateArray().Select(v => v.GetInt64()).ToArray();

    public static double[] Doubles(JsonElement element) => element.EnumerateArray().Select(v => v.GetDouble()).ToArray();
}
