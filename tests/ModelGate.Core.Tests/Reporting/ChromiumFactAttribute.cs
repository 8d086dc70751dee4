namespace ModelGate.Core.Tests.Reporting;

/// <summary>
/// A test that needs headless Chromium. On CI (<c>CI=true</c>, where .ci/run installs it) a missing browser is a
/// failure, never a skip; on a developer's machine without it the test is skipped with how to install it.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        var onCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (HeadlessChromium.Find() is null && !onCi)
        {
            Skip = "chromium is not installed (apt-get install -y chromium); CI installs it and runs this test";
        }
    }
}
