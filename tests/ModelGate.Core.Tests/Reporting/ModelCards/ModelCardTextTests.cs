using ModelGate.Core.Errors;
using ModelGate.Core.Reporting.ModelCards;
using YamlDotNet.RepresentationModel;

namespace ModelGate.Core.Tests.Reporting.ModelCards;

public sealed class ModelCardTextTests
{
    private const string FrontMatterBefore = """
        ---
        # Written by the training script; keep.
        license: apache-2.0
        base_model: meta-llama/Llama-3.2-1B
        tags:
          - lora   # our tag
          - "peft"

        """;

    private const string FrontMatterAfter = """
        library_name: peft
        """;

    private const string ForeignModelIndex = """
        model-index:
        - name: support-bot
          results:
          - task:
              type: text-generation
            dataset:
              name: MMLU
              type: cais/mmlu
            metrics:
            - type: acc
              value: 0.41
            source:
              name: Open LLM Leaderboard

        """;

    private const string Body = """
        # support-bot

        A LoRA adapter for support tickets.   Trailing spaces stay.

        ## Training
        See `train.py`.
        """;

    private static readonly string Card = FrontMatterBefore + ForeignModelIndex + FrontMatterAfter + "\n---\n" + Body;

    [Fact]
    public void Update_CardWithOtherKeysCommentsAndBody_KeepsThemByteForByteAndTheYamlParses()
    {
        var updated = ModelCardText.Update(Card, Results(3), "README.md");

        Assert.StartsWith(FrontMatterBefore, updated, StringComparison.Ordinal);
        Assert.Contains("\n" + FrontMatterAfter + "\n---\n" + Body, updated, StringComparison.Ordinal);
        var root = FrontMatter(updated);
        Assert.Equal("apache-2.0", ((YamlScalarNode)root.Children[new YamlScalarNode("license")]).Value);
        var results = Results(root);
        Assert.Equal(["Open LLM Leaderboard", ModelCardText.SourceName], results.Select(SourceOf));
        Assert.Contains(ModelCardText.BeginMarker + "\nVerdict: PASS, 3 intruders\n" + ModelCardText.EndMarker, updated, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_Rerun_ReplacesOurResultsAndSectionInsteadOfAddingMore()
    {
        var once = ModelCardText.Update(Card, Results(3), "README.md");

        var twice = ModelCardText.Update(once, Results(5), "README.md");

        Assert.Equal(ModelCardText.Update(Card, Results(5), "README.md"), twice);
        Assert.Single(Results(FrontMatter(twice)), r => SourceOf(r) == ModelCardText.SourceName);
        Assert.Single(twice.Split(ModelCardText.BeginMarker)[1..]);
        Assert.Contains("value: 5", twice, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_CardWithoutFrontMatter_GetsOneAndKeepsTheBody()
    {
        var updated = ModelCardText.Update(Body, Results(3), "README.md");

        Assert.StartsWith("---\nmodel-index:\n", updated, StringComparison.Ordinal);
        Assert.Contains("---\n" + Body + "\n\n" + ModelCardText.BeginMarker, updated, StringComparison.Ordinal);
        Assert.Equal(ModelCardText.SourceName, SourceOf(Assert.Single(Results(FrontMatter(updated)))));
    }

    [Fact]
    public void Update_NoCard_WritesANewOne()
    {
        var created = ModelCardText.Update(null, Results(0), "README.md");

        Assert.Equal("org/support-bot", ((YamlScalarNode)((YamlMappingNode)((YamlSequenceNode)FrontMatter(created).Children[new YamlScalarNode("model-index")])[0]).Children[new YamlScalarNode("name")]).Value);
        Assert.EndsWith(ModelCardText.EndMarker + "\n", created, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_FrontMatterThatIsNotYaml_IsAUserErrorNamingTheFile()
    {
        var error = Assert.Throws<UserInputException>(() => ModelCardText.Update("---\nlicense: [unclosed\n---\nbody\n", Results(0), "cards/README.md"));

        Assert.Contains("cards/README.md", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    private static ModelCardResults Results(int intruders) => new("org/support-bot",
        [new ModelCardResult("intruder-dimensions", "Intruder dimensions", "model-weights", "base", null, [new ModelCardMetric("intruder_dimensions", intruders, "Intruder dimensions (total)")])],
        $"Verdict: PASS, {intruders} intruders\n");

    private static YamlMappingNode FrontMatter(string card)
    {
        var yaml = card.Split("---\n")[1];
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static IEnumerable<YamlMappingNode> Results(YamlMappingNode root) =>
        ((YamlSequenceNode)root.Children[new YamlScalarNode("model-index")]).Children.Cast<YamlMappingNode>()
        .SelectMany(m => ((YamlSequenceNode)m.Children[new YamlScalarNode("results")]).Children.Cast<YamlMappingNode>());

    private static string SourceOf(YamlMappingNode result) =>
        ((YamlScalarNode)((YamlMappingNode)result.Children[new YamlScalarNode("source")]).Children[new YamlScalarNode("name")]).Value!;
}
