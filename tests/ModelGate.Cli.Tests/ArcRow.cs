using System.Text.Json.Serialization;

namespace ModelGate.Cli.Tests;

#pragma warning disable CA1812 // built by the Parquet serializer as well
/// <summary>A row of the Hub's ARC Parquet files (allenai/ai2_arc), as Parquet.Net writes it.</summary>
internal sealed class ArcRow
{
    [JsonPropertyName("question")]
    public string Question { get; set; } = "";

    [JsonPropertyName("choices")]
    public ArcChoices Choices { get; set; } = new();

    [JsonPropertyName("answerKey")]
    public string AnswerKey { get; set; } = "";
}

internal sealed class ArcChoices
{
    [JsonPropertyName("text")]
    public List<string> Text { get; set; } = [];

    [JsonPropertyName("label")]
    public List<string> Label { get; set; } = [];
}
#pragma warning restore CA1812
