namespace ModelGate.Torch.Tests.Runtime;

/// <summary>The theory form of <see cref="LinuxFactAttribute"/>: skipped with a reason off Linux.</summary>
public sealed class LinuxTheoryAttribute : TheoryAttribute
{
    public LinuxTheoryAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = LinuxFactAttribute.NotLinux;
        }
    }
}
