using ModelGate.Core.IO;

namespace ModelGate.Core.Tests.IO;

public sealed class CacheRootTests
{
    [Fact]
    public void Resolve_ExplicitFolder_WinsOverEverySetting()
    {
        var root = CacheRoot.Resolve("/explicit", cacheVariable: "/from-env", xdgCacheHome: "/xdg", home: "/home/u");

        Assert.Equal("/explicit", root);
    }

    [Fact]
    public void Resolve_NoExplicitFolder_UsesTheEnvironmentVariable()
    {
        var root = CacheRoot.Resolve(null, cacheVariable: "/from-env", xdgCacheHome: "/xdg", home: "/home/u");

        Assert.Equal("/from-env", root);
    }

    [Fact]
    public void Resolve_NoSetting_UsesModelgateUnderTheXdgCache()
    {
        var root = CacheRoot.Resolve(" ", cacheVariable: "", xdgCacheHome: "/xdg", home: "/home/u");

        Assert.Equal("/xdg/modelgate", root);
    }

    [Fact]
    public void Resolve_RelativeXdgCache_IsIgnoredAsTheXdgSpecSays()
    {
        var root = CacheRoot.Resolve(null, cacheVariable: null, xdgCacheHome: "relative/cache", home: "/home/u");

        Assert.Equal("/home/u/.cache/modelgate", root);
    }

    [Fact]
    public void Resolve_NoSettingAndNoHome_HasNoAnswer()
    {
        Assert.Null(CacheRoot.Resolve(null, null, null, home: ""));
    }

    [Fact]
    public void Resolve_RelativeExplicitFolder_BecomesAFullPath()
    {
        var root = CacheRoot.Resolve("some/cache");

        Assert.Equal(Path.Combine(Directory.GetCurrentDirectory(), "some", "cache"), root);
    }
}
