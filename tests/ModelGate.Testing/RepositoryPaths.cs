namespace ModelGate.Testing;

/// <summary>Locates the repository from a test's output folder, so tests can find data next to it without absolute paths.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding ModelGate.sln, found by walking up from the test assembly's folder.</summary>
    public static string Root() => TryFindRoot() ?? throw new InvalidOperationException($"No ModelGate.sln above {AppContext.BaseDirectory}.");

    /// <summary>Like <see cref="Root"/>, but null when the tests run outside a checkout (copied binaries).</summary>
    public static string? TryFindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ModelGate.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    /// <summary>
    /// Real models, adapters and reference outputs of transformers and PEFT (tests/vectors/peer-vectors; its README
    /// says how and with which versions they were made).
    /// </summary>
    public static string PeerVectors() => Path.Combine(Vectors(), "peer-vectors");

    /// <summary>Merge cases the peer vectors lack, saved and merged by PEFT itself (tests/vectors/peft; made by its make_cases.py).</summary>
    public static string PeftVectors() => Path.Combine(Vectors(), "peft");

    /// <summary>
    /// transformers' logits for sliding windows and padded batches, and the forgetting metrics' independent reference
    /// (tests/vectors/transformers; made by the scripts beside them).
    /// </summary>
    public static string TransformersVectors() => Path.Combine(Vectors(), "transformers");

    private static string Vectors() => Path.Combine(Root(), "tests", "vectors");
}
