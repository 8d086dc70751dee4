using ModelGate.Core.IO;

namespace ModelGate.Core.Tests.IO;

public sealed class HumanQuantitiesTests
{
    [Theory]
    [InlineData("30d", 30 * 24 * 60)]
    [InlineData("12h", 12 * 60)]
    [InlineData("90m", 90)]
    [InlineData("2w", 14 * 24 * 60)]
    [InlineData(" 1.5H ", 90)]
    public void TryParseAge_NumberWithUnit_IsThatManyMinutes(string text, double minutes)
    {
        Assert.True(HumanQuantities.TryParseAge(text, out var age));
        Assert.Equal(minutes, age.TotalMinutes);
    }

    [Theory]
    [InlineData("banana")]
    [InlineData("30")]
    [InlineData("-1d")]
    [InlineData("")]
    [InlineData("1e300d")]
    public void TryParseAge_AnythingElse_IsRefused(string text)
    {
        Assert.False(HumanQuantities.TryParseAge(text, out _));
    }

    [Theory]
    [InlineData("20GB", 20_000_000_000)]
    [InlineData("500MB", 500_000_000)]
    [InlineData("4GiB", 4L << 30)]
    [InlineData("1.5kb", 1500)]
    [InlineData("123", 123)]
    [InlineData("0", 0)]
    public void TryParseSize_NumberWithOptionalUnit_IsThatManyBytes(string text, long bytes)
    {
        Assert.True(HumanQuantities.TryParseSize(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("-5MB")]
    [InlineData("GB")]
    [InlineData("1e30TB")]
    public void TryParseSize_AnythingElse_IsRefused(string text)
    {
        Assert.False(HumanQuantities.TryParseSize(text, out _));
    }

    [Theory]
    [InlineData(999, "999 B")]
    [InlineData(1_234_567, "1.23 MB")]
    [InlineData(45_600_000_000, "45.6 GB")]
    public void FormatSize_UsesDecimalUnitsWithThreeDigits(long bytes, string text)
    {
        Assert.Equal(text, HumanQuantities.FormatSize(bytes));
    }
}
