using System.Text.Json.Nodes;
using ModelGate.Testing;

namespace ModelGate.Templates.Tests;

[Collection(TemplatePackageCollection.Name)]
[Trait("Category", "Integration")]
public sealed class PolicyTemplateTests(TemplatePackageFixture templates)
{
    [Fact]
    public async Task PolicyTemplate_Instantiated_ValidatesAgainstThePolicySchema()
    {
        using var dir = new TempDirectory();

        var created = await templates.NewAsync(dir.Path, "intruder-gate-policy");

        Assert.True(created.ExitCode == 0, created.Output);
        var text = File.ReadAllText(dir.File("intruder-gate-policy.jsonc"));
        Assert.Contains("//", text);
        Assert.Empty(PolicySchema.Errors(text, PolicySchema.Path));
        Assert.Equal("fail", Parse(text)["failOn"]!.GetValue<string>());
    }

    [Fact]
    public async Task PolicyTemplate_NameAndFailOn_NameTheFileAndSetFailOn()
    {
        using var dir = new TempDirectory();

        var created = await templates.NewAsync(dir.Path, "intruder-gate-policy", "-n", "release-policy", "--failOn", "warn");

        Assert.True(created.ExitCode == 0, created.Output);
        var text = File.ReadAllText(dir.File("release-policy.jsonc"));
        Assert.Equal("warn", Parse(text)["failOn"]!.GetValue<string>());
        Assert.Empty(PolicySchema.Errors(text, PolicySchema.Path));
    }

    [Fact]
    public async Task PolicyTemplate_UnknownFailOn_IsRefusedByDotnetNew()
    {
        using var dir = new TempDirectory();

        var created = await templates.NewAsync(dir.Path, "intruder-gate-policy", "--failOn", "sometimes");

        Assert.NotEqual(0, created.ExitCode);
        Assert.False(File.Exists(dir.File("intruder-gate-policy.jsonc")));
    }

    private static JsonNode Parse(string jsonc) => JsonNode.Parse(jsonc, documentOptions: PolicySchema.Jsonc)!;
}
