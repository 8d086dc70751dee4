using ModelGate.Core.Errors;
using ModelGate.Core.Registries;

namespace ModelGate.Core.Tests.Registries;

public sealed class RegistryReferenceTests
{
    [Theory]
    [InlineData("./models/base", "file")]
    [InlineData("/abs/base", "file")]
    [InlineData("C:\\models\\base", "file")]
    [InlineData("file:///tmp/base", "file")]
    [InlineData("az://models/adapters/support-bot/v7", "az")]
    [InlineData("hf://meta-llama/Llama-2-7b-hf@main", "hf")]
    [InlineData("https://acct.blob.core.windows.net/models/base?sv=1&sig=abc", "https")]
    public void Parse_PicksTheSchemeOrAPlainPath(string value, string scheme)
    {
        Assert.Equal(scheme, RegistryReference.Parse(value).Scheme);
    }

    [Fact]
    public void Parse_FileUriWithAHost_IsBadInput_SuggestingTheLocalPath()
    {
        var e = Assert.Throws<UserInputException>(() => RegistryReference.Parse("file://host/x"));

        Assert.Equal("file://host/x: a file URI with a host ('host') names a network share, which ModelGate does not read; for the local folder /host/x write file:///host/x, or give a plain path", e.Message);
        Assert.DoesNotContain("\\", e.Message);
    }

    [Fact]
    public void Display_RedactsTheSasSignatureAndKeepsTheRest()
    {
        var reference = RegistryReference.Parse("https://acct.blob.core.windows.net/models/v7?sv=2024-11-04&sr=c&sp=rl&sig=c2VjcmV0JTJCc2lnbmF0dXJl&se=2030-01-01");

        Assert.DoesNotContain("c2VjcmV0", reference.Display);
        Assert.Contains("sig=REDACTED", reference.Display);
        Assert.Contains("sp=rl", reference.Display);
        Assert.StartsWith("https://acct.blob.core.windows.net/models/v7?", reference.Display);
    }

    [Fact]
    public void Redact_RemovesConnectionStringKeysAndUrlPasswords()
    {
        var text = SecretRedaction.Redact("AccountName=a;AccountKey=S3cr3tKey==;BlobEndpoint=http://user:pa55@host/x");

        Assert.DoesNotContain("S3cr3tKey", text);
        Assert.DoesNotContain("pa55", text);
    }

    [Fact]
    public void Append_PutsTheNameBeforeTheSasQuery()
    {
        var child = RegistryReference.Parse("https://acct.blob.core.windows.net/models/released?sv=1&sig=abc").Append("v7");

        Assert.Equal("https://acct.blob.core.windows.net/models/released/v7?sv=1&sig=abc", child.Original);
    }

    [Theory]
    [InlineData("../evil.json")]
    [InlineData("a/../../evil.json")]
    [InlineData("/etc/passwd")]
    [InlineData("..\\evil.json")]
    [InlineData("sub\\file.json")]
    [InlineData("C:/evil.json")]
    [InlineData("a//b")]
    [InlineData("./a")]
    [InlineData("")]
    public void RemoteFileNames_RefuseNamesThatLeaveTheFolder(string name)
    {
        var error = Assert.Throws<UserInputException>(() => RemoteFileNames.Check("hf://org/repo@main", name));

        Assert.Contains("hf://org/repo@main", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("adapter_config.json")]
    [InlineData("sub/folder/model-00001-of-00002.safetensors")]
    [InlineData("..hidden/file..json")]
    public void RemoteFileNames_AcceptRelativeNames(string name)
    {
        Assert.Equal(name, RemoteFileNames.Check("x", name));
    }

    [Theory]
    [InlineData("az://models/adapters/support-bot/v7", "v7")]
    [InlineData("az://models/adapters/support-bot/v7/", "v7")]
    [InlineData("hf://org/bot@v1.2", "v1.2")]
    [InlineData("https://a.blob.core.windows.net/c/bot/v9?sv=1&sig=x", "v9")]
    [InlineData("/data/adapters/release-3", "release-3")]
    public void DefaultVersion_IsTheAdapterReferencesLastSegment(string adapter, string version)
    {
        Assert.Equal(version, Core.Promotion.ReleasePromoter.DefaultVersion(adapter));
    }

    [Fact]
    public void Catalog_UnknownScheme_NamesTheKnownOnes()
    {
        using var host = ToolRegistries.Host();

        var error = Assert.Throws<UserInputException>(() => host.Catalog.For(RegistryReference.Parse("s3://bucket/model")));

        Assert.Contains("s3://bucket/model", error.Message);
        Assert.Contains("az://", error.Message);
        Assert.Contains("hf://", error.Message);
    }
}
