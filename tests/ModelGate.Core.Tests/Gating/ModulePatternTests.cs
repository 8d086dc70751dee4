using ModelGate.Core.Gating;

namespace ModelGate.Core.Tests.Gating;

public sealed class ModulePatternTests
{
    [Theory]
    [InlineData("*", "model.layers.0.self_attn.q_proj.weight", true)]
    [InlineData("*.q_proj", "model.layers.0.self_attn.q_proj.weight", true)]
    [InlineData("*.q_proj.weight", "model.layers.0.self_attn.q_proj.weight", true)]
    [InlineData("*.q_proj", "model.layers.0.self_attn.k_proj.weight", false)]
    [InlineData("q_proj", "model.layers.0.self_attn.q_proj.weight", false)]
    [InlineData("model.layers.?.mlp.*", "model.layers.3.mlp.up_proj.weight", true)]
    [InlineData("model.layers.?.mlp.*", "model.layers.13.mlp.up_proj.weight", false)]
    [InlineData("regex:layers\\.[0-3]\\..*", "model.layers.2.self_attn.q_proj.weight", true)]
    [InlineData("regex:layers\\.[0-3]\\..*", "model.layers.7.self_attn.q_proj.weight", false)]
    [InlineData("regex:q_proj", "model.layers.7.self_attn.q_proj.weight", true)]
    [InlineData("regex:^q_proj", "model.layers.7.self_attn.q_proj.weight", false)]
    public void Match_GlobOnTheWholeNameWithOrWithoutWeight_RegexSearched(string pattern, string name, bool matches)
    {
        Assert.Equal(matches, ModulePattern.Parse(pattern).Matches(name));
    }
}
