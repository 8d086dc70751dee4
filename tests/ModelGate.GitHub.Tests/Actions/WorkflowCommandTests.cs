using ModelGate.GitHub.Actions;

namespace ModelGate.GitHub.Tests.Actions;

public sealed class WorkflowCommandTests
{
    [Fact]
    public void Annotation_MessageWithPercentAndNewlines_IsEscapedToOneLine()
    {
        var line = WorkflowCommand.Annotation(AnnotationLevel.Error, "MG0001 intruders.total", "50% of k\r\nsecond line");

        Assert.Equal("::error title=MG0001 intruders.total::50%25 of k%0D%0Asecond line", line);
    }

    [Fact]
    public void Annotation_TitleWithCommaAndColon_EscapesThemSoThePropertyListStaysWhole()
    {
        var line = WorkflowCommand.Annotation(AnnotationLevel.Warning, "msg", [new("title", "a,b: c%\n"), new("file", "policy.json"), new("line", null)]);

        Assert.Equal("::warning title=a%2Cb%3A c%25%0A,file=policy.json::msg", line);
    }

    [Fact]
    public void Annotation_Notice_UsesTheNoticeCommand()
    {
        Assert.StartsWith("::notice::", WorkflowCommand.Annotation(AnnotationLevel.Notice, "fyi", properties: null));
    }
}
