namespace ModelGate.Templates.Tests;

/// <summary>Both template test classes share one packed and installed template package.</summary>
[CollectionDefinition(Name)]
public sealed class TemplatePackageCollection : ICollectionFixture<TemplatePackageFixture>
{
    public const string Name = "Template package";
}
