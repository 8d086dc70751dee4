using System.Text.Json.Serialization;
using Parquet;
using Parquet.Serialization;

namespace ModelGate.Testing.Datasets;

/// <summary>
/// Writes ARC rows in the shape the hub's Parquet files have (allenai/ai2_arc: choices is a struct of two string
/// lists), with Parquet.Net, so the reader meets nested columns and several row groups.
/// </summary>
public static class ArcParquet
{
    public static async Task WriteAsync(string path, IReadOnlyList<ArcRow> rows, int rowGroupSize)
    {
        await using var stream = File.Create(path);
        await ParquetSerializer.SerializeAsync(rows, stream, new ParquetOptions { RowGroupSize = rowGroupSize });
    }

    public static ArcRow Row(string question, string[] texts, string[] labels, string answerKey) =>
        new() { Id = question[..3], Question = question, Choices = new ArcChoices { Text = [.. texts], Label = [.. labels] }, AnswerKey = answerKey };

#pragma warning disable CA1812 // built by the Parquet serializer's reflection as well as by Row
    public sealed class ArcRow
    {
        [JsonPropertyName("id")]
        public string Id { get; set; } = "";

        [JsonPropertyName("question")]
        public string Question { get; set; } = "";

        [JsonPropertyName("choices")]
        public ArcChoices Choices { get; set; } = new();

        [JsonPropertyName("answerKey")]
        public string AnswerKey { get; set; } = "";
    }

    public sealed class ArcChoices
    {
        [JsonPropertyName("text")]
        public List<string> Text { get; set; } = [];

        [JsonPropertyName("label")]
        public List<string> Label { get; set; } = [];
    }
#pragma warning restore CA1812
}
