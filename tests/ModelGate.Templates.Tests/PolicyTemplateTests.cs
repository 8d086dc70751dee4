using System.Text.Json.Nodes;
using ModelGate.Core.Gating;
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
    public async Task PolicyTemplate_Instantiated_HoldsExactlyTheToolsBuiltInDefaults()
    {
        using var dir = new TempDirectory();

        var created = await templates.NewAsync(dir.Path, "intruder-gate-policy");

        Assert.True(created.ExitCode == 0, created.Output);
        var template = Parse(File.ReadAllText(dir.File("intruder-gate-policy.jsonc"))).AsObject();
        template.Remove("$schema");
        var builtIn = JsonNode.Parse(GatePolicyLoader.DefaultJson())!;
        Assert.True(JsonNode.DeepEquals(builtIn, template), $"template:{Environment.NewLine}{template}{Environment.NewLine}built-in:{Environment.NewLine}{builtIn}");
    }

    [Fact]
    public async Task PolicyTemplate_Instantiated_LoadsWithTheGatesLoaderAndShipsItsSchema()
    {
        using var dir = new TempDirectory();

        var created = await templates.NewAsync(dir.Path, "intruder-gate-policy", "--failOn", "never");

        Assert.True(created.ExitCode == 0, created.Output);
        var policy = GatePolicyLoader.LoadFile(dir.File("intruder-gate-policy.jsonc"));
        Assert.Equal(FailOn.Never, policy.FailOn);
        Assert.Equal(GatePolicyLoader.Default.Analysis, policy.Analysis);
        var schema = dir.File("intruder-gate-policy.schema.json");
        Assert.Equal(File.ReadAllText(PolicySchema.Path), File.ReadAllText(schema));
        Assert.Equal("./intruder-gate-policy.schema.json", Parse(File.ReadAllText(dir.File("intruder-gate-policy.jsonc")))["$schema"]!.GetValue<string>());
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
        // The schema is renamed with the policy and still named by it, but copied as is.
        Assert.Equal("./release-policy.schema.json", Parse(text)["$schema"]!.GetValue<string>());
        Assert.Equal(File.ReadAllText(PolicySchema.Path), File.ReadAllText(dir.File("release-policy.schema.json")));
        Assert.Equal(FailOn.Warn, GatePolicyLoader.LoadFile(dir.File("release-policy.jsonc")).FailOn);
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
