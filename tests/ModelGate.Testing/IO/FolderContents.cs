namespace ModelGate.Testing.IO;

/// <summary>Compares two folders file by file, so a registry test can show that what it fetched is what was uploaded.</summary>
public static class FolderContents
{
    /// <summary>
    /// What differs between the files directly in <paramref name="expected"/> and in <paramref name="actual"/>: a name in
    /// one but not the other, or a file whose bytes differ. Empty when they hold the same files.
    /// </summary>
    public static IReadOnlyList<string> Differences(string expected, string actual)
    {
        var expectedNames = Names(expected);
        var actualNames = Names(actual);
        var differences = new List<string>();
        differences.AddRange(expectedNames.Except(actualNames, StringComparer.Ordinal).Select(name => $"{name} is missing"));
        differences.AddRange(actualNames.Except(expectedNames, StringComparer.Ordinal).Select(name => $"{name} is not expected"));
        differences.AddRange(expectedNames.Intersect(actualNames, StringComparer.Ordinal)
            .Where(name => !File.ReadAllBytes(Path.Combine(expected, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, name))))
            .Select(name => $"{name} differs"));
        return differences;
    }

    private static string[] Names(string folder) =>
        [.. Directory.GetFiles(folder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
}
