namespace ModelGate.Demo;

/// <summary>Where <see cref="IntruderDemoBuilder"/> wrote the base model and its two adapters.</summary>
public sealed record IntruderDemo(string BaseModel, string CleanAdapter, string IntruderAdapter);
