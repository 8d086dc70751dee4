using ModelGate.Core.Forgetting;

namespace ModelGate.Core.Tests.Forgetting;

public sealed class TaskReferenceTests
{
    [Theory]
    [InlineData("arc_easy=data/arc.parquet", "arc_easy", "data/arc.parquet", "arc_easy")]
    [InlineData("hellaswag=/tmp/a=b.parquet", "hellaswag", "/tmp/a=b.parquet", "hellaswag")]
    [InlineData("tasks/mine.jsonl", null, "tasks/mine.jsonl", "mine.jsonl")]
    [InlineData("./x=y.jsonl", null, "./x=y.jsonl", "x=y.jsonl")]
    [InlineData("arc_easy", null, "arc_easy", "arc_easy")]
    public void Parse_Entry_NameOnlyBeforeABareIdentifierAndEquals(string entry, string? name, string path, string datasetName)
    {
        var task = TaskReference.Parse(entry);

        Assert.Equal((name, path, datasetName), (task.Name, task.Path, task.DatasetName));
    }
}
