namespace ModelGate.Core.Tensors;

public static class ShardFileNames
{
    public const string IndexFileName = "model.safetensors.index.json";

    public const string SingleFileName = "model.safetensors";

    /// <summary>
    /// Shard names come from an index file we did not write; accepting "../x" or "/etc/x" would let a downloaded model
    /// read (or, when mirrored by a writer, overwrite) files outside its folder. Only a bare file name is allowed.
    /// </summary>
    public static bool IsPlainFileName(string name) =>
        !string.IsNullOrEmpty(name)
        && name != "."
        && name != ".."
        && name.IndexOfAny(['/', '\\', '\0', ':']) < 0
        && !Path.IsPathRooted(name)
        && Path.GetFileName(name) == name;
}
