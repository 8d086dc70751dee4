using ModelGate.GitHub.Comments;

namespace ModelGate.GitHub.Tests.Comments;

public sealed class CommentMarkerTests
{
    [Fact]
    public void DefaultLabel_NamesTheJobAndTheAdapterFolders()
    {
        Assert.Equal("gate/lora-v1+lora-v2", CommentMarker.DefaultLabel("gate", ["out/lora-v1/", "/abs/lora-v2"]));
        Assert.Equal("modelgate/report", CommentMarker.DefaultLabel(null, []));
    }

    [Fact]
    public void Marker_LabelTryingToCloseTheHtmlComment_StaysInsideIt()
    {
        var marker = new CommentMarker("x\" --> <b>visible</b> <!--");

        Assert.StartsWith("<!-- modelgate:report label=\"", marker.Text);
        Assert.EndsWith("\" -->", marker.Text);
        Assert.Equal(1, CountOf(marker.Text, "-->"));
        Assert.DoesNotContain("<b>", marker.Text);
    }

    [Fact]
    public void Marker_DifferentLabels_NeverMatchEachOther()
    {
        var a = new CommentMarker("gate/a");
        var ab = new CommentMarker("gate/a-b");

        Assert.False(a.IsIn(ab.Text + "\nreport"));
        Assert.False(ab.IsIn(a.Text + "\nreport"));
        Assert.True(a.IsIn("text\n" + a.Text + "\nreport"));
        Assert.NotEqual(new CommentMarker("a%2Db").Text, ab.Text.Replace("gate/", "", StringComparison.Ordinal));
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
