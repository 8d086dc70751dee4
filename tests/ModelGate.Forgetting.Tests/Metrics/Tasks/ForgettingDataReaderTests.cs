using ModelGate.Testing.Datasets;
using System.Text.Json;
using ModelGate.Core.Errors;
using ModelGate.Forgetting.Metrics;
using ModelGate.Forgetting.Metrics.Tasks;
using ModelGate.Testing;

namespace ModelGate.Forgetting.Tests.Metrics.Tasks;

public sealed class ForgettingDataReaderTests
{
    private static readonly ArcParquet.ArcRow[] Rows =
    [
        ArcParquet.Row("Which is a liquid?", ["ice", "water", "steam"], ["A", "B", "C"], "B"),
        ArcParquet.Row("Which planet is red?", ["Mars", "Venus"], ["1", "2"], "1"),
        ArcParquet.Row("Which is a metal?", ["wood", "iron", "glass", "paper"], ["A", "B", "C", "D"], "B"),
    ];

    [Fact]
    public async Task ReadAsync_ArcParquetInRowGroupsOfTwo_EveryRowInOrderAsTheTaskFormatBuildsIt()
    {
        using var dir = new TempDirectory();
        await ArcParquet.WriteAsync(dir.File("arc.parquet"), Rows, rowGroupSize: 2);

        var data = await ForgettingDataReader.ReadAsync(null, "text", [$"arc_easy={dir.File("arc.parquet")}"], null, CancellationToken.None);

        var task = Assert.Single(data.Tasks);
        Assert.Equal("arc_easy", task.Name);
        Assert.Equal(new DatasetOrigin("arc_easy", "test", null), task.Origin);
        Assert.Equal(["Question: Which is a liquid?\nAnswer:", "Question: Which planet is red?\nAnswer:", "Question: Which is a metal?\nAnswer:"], task.Items.Select(i => i.Context));
        Assert.Equal([1, 0, 1], task.Items.Select(i => i.Label));
        Assert.Equal(["wood", "iron", "glass", "paper"], task.Items[2].Choices);
    }

    [Fact]
    public async Task ReadAsync_Limit_TakesTheFirstRowsOnly()
    {
        using var dir = new TempDirectory();
        await ArcParquet.WriteAsync(dir.File("arc.parquet"), Rows, rowGroupSize: 1);

        var data = await ForgettingDataReader.ReadAsync(null, "text", [$"arc_challenge={dir.File("arc.parquet")}"], 2, CancellationToken.None);

        Assert.Equal(["Question: Which is a liquid?\nAnswer:", "Question: Which planet is red?\nAnswer:"], Assert.Single(data.Tasks).Items.Select(i => i.Context));
    }

    [Fact]
    public async Task ReadAsync_JsonArrayAndJsonLines_SameRowsAsParquet()
    {
        using var dir = new TempDirectory();
        var rows = Rows.Select(r => new { question = r.Question, choices = new { text = r.Choices.Text, label = r.Choices.Label }, answerKey = r.AnswerKey }).ToArray();
        File.WriteAllText(dir.File("arc.json"), JsonSerializer.Serialize(rows));
        File.WriteAllLines(dir.File("arc.jsonl"), rows.Select(r => JsonSerializer.Serialize(r)));

        var data = await ForgettingDataReader.ReadAsync(null, "text", [$"arc_easy={dir.File("arc.json")}", $"arc_easy={dir.File("arc.jsonl")}"], null, CancellationToken.None);

        Assert.Equal(2, data.Tasks.Count);
        Assert.Equal(data.Tasks[0].Items.Select(i => (i.Context, string.Join("|", i.Choices), i.Label)), data.Tasks[1].Items.Select(i => (i.Context, string.Join("|", i.Choices), i.Label)));
        Assert.Equal(3, data.Tasks[0].Items.Count);
    }

    [Fact]
    public async Task ReadAsync_BadParquetRow_NamesFileRowAndField()
    {
        using var dir = new TempDirectory();
        await ArcParquet.WriteAsync(dir.File("arc.parquet"), [Rows[0], ArcParquet.Row("Which?", ["a", "b", "c", "d"], ["A", "B", "C", "D"], "E")], rowGroupSize: 1);

        var error = await Assert.ThrowsAsync<UserInputException>(() => ForgettingDataReader.ReadAsync(null, "text", [$"arc_easy={dir.File("arc.parquet")}"], null, CancellationToken.None));

        Assert.Equal($"{dir.File("arc.parquet")}: row 2: answerKey 'E' is not one of the labels A, B, C, D", error.Message);
    }

    [Theory]
    [InlineData("arc_easy", "arc_easy: give the task's rows as arc_easy=FILE (.parquet, .jsonl or .json)")]
    [InlineData("mmlu=x.parquet", "mmlu=x.parquet: there is no task mmlu; known tasks: hellaswag, arc_easy")]
    public async Task ReadAsync_TaskNameWithoutFileOrUnknownName_SaysWhatToPass(string entry, string message)
    {
        var error = await Assert.ThrowsAsync<UserInputException>(() => ForgettingDataReader.ReadAsync(null, "text", [entry], null, CancellationToken.None));

        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public async Task ReadAsync_OwnTaskFileAndParquetCorpusWithTextColumn_ReadAsBefore()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("task.jsonl"), "{\"context\": \"a\", \"choices\": [\"b\", \"c\"], \"label\": 1}\n{\"context\": \"d\", \"choices\": [\"e\", \"f\"], \"label\": 0}\n");
        await using (var stream = File.Create(dir.File("corpus.parquet")))
        {
            await Parquet.Serialization.ParquetSerializer.SerializeAsync(new[] { new Document { Body = "first document" }, new Document { Body = " " }, new Document { Body = "second" } }, stream);
        }

        var data = await ForgettingDataReader.ReadAsync(dir.File("corpus.parquet"), "body", [dir.File("task.jsonl")], 1, CancellationToken.None);

        Assert.Equal(["first document", "second"], Assert.Single(data.Corpora).Documents);
        var task = Assert.Single(data.Tasks);
        Assert.Equal("task.jsonl", task.Name);
        Assert.Null(task.Origin);
        Assert.Equal("a", Assert.Single(task.Items).Context);
    }

#pragma warning disable CA1812 // built by the Parquet serializer
    private sealed class Document
    {
        [System.Text.Json.Serialization.JsonPropertyName("body")]
        public string Body { get; set; } = "";
    }
#pragma warning restore CA1812
}
