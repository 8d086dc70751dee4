namespace ModelGate.Testing;

/// <summary>
/// Points MODELGATE_CACHE at a folder of this test run, so tests never read or fill the user's real cache
/// (base spectra would otherwise pile up there) and every run starts cold.
/// </summary>
public static class TestCache
{
    public static string Folder { get; } = Directory.CreateTempSubdirectory("modelgate-test-cache-").FullName;

    public static void UseForThisProcess() => Environment.SetEnvironmentVariable("MODELGATE_CACHE", Folder);
}
