namespace ModelGate.Core.Registries;

/// <summary>One scheme → registry type pair; AddRegistry adds one per scheme.</summary>
public sealed record RegistryRegistration(string Scheme, Type RegistryType);
