namespace ModelGate.Demo;

/// <summary>A generated model folder and the names of its block matrices (the modules LoRA targets).</summary>
public sealed record TinyModel(string Folder, IReadOnlyList<string> LinearModules, int Layers);
