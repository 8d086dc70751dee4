using System.Reflection;
using System.Text.RegularExpressions;
using ModelGate.Core.Gating;
using ModelGate.Demo;
using ModelGate.Forgetting;
using ModelGate.GitHub;
using ModelGate.Registries.Azure;
using ModelGate.Registries.Hub;
using ModelGate.Testing;
using ModelGate.Torch;

namespace ModelGate.Core.Tests.Conventions;

/// <summary>
/// The assemblies show the architecture (issue #16, docs/architecture.md): Core holds the domain and no native or
/// cloud dependency; each heavier capability sits in its own assembly above it; nothing points back down-up; and no
/// two folders of one assembly depend on each other. The references are read from the compiled assemblies (what the
/// code really uses), the folder graph from the sources' using directives.
/// </summary>
public sealed partial class ArchitectureTests
{
    /// <summary>Which ModelGate assemblies each may reference; anything else of ours is a layering error.</summary>
    private static readonly Dictionary<Assembly, string[]> AllowedModelGateReferences = new()
    {
        [typeof(GateRunner).Assembly] = [],
        [typeof(TorchServiceCollectionExtensions).Assembly] = ["ModelGate.Core"],
        [typeof(ForgettingServiceCollectionExtensions).Assembly] = ["ModelGate.Core", "ModelGate.Torch"],
        [typeof(IntruderDemoBuilder).Assembly] = ["ModelGate.Core", "ModelGate.Torch", "ModelGate.Forgetting"],
        [typeof(AzureRegistryServiceCollectionExtensions).Assembly] = ["ModelGate.Core"],
        [typeof(HubRegistryServiceCollectionExtensions).Assembly] = ["ModelGate.Core"],
        [typeof(GitHubPublication).Assembly] = ["ModelGate.Core"],
    };

    /// <summary>Third-party assemblies only their own capability may load.</summary>
    private static readonly (string Prefix, string[] Owners)[] Confined =
    [
        ("TorchSharp", ["ModelGate.Torch", "ModelGate.Forgetting", "ModelGate.Demo"]),
        ("Microsoft.ML.Tokenizers", ["ModelGate.Forgetting"]),
        ("Azure.", ["ModelGate.Registries.Azure"]),
        ("Octokit", ["ModelGate.GitHub"]),
    ];

    public static TheoryData<string> Assemblies() => [.. AllowedModelGateReferences.Keys.Select(a => a.GetName().Name!)];

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void References_OfEachAssembly_AreOnlyTheLayersBelowIt(string name)
    {
        var (assembly, allowed) = AllowedModelGateReferences.Single(a => a.Key.GetName().Name == name);
        var ours = References(assembly).Where(r => r.StartsWith("ModelGate.", StringComparison.Ordinal)).ToArray();

        Assert.Empty(ours.Except(allowed));
    }

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void References_ToHeavyDependencies_StayInTheirCapability(string name)
    {
        var assembly = AllowedModelGateReferences.Keys.Single(a => a.GetName().Name == name);
        var strays = References(assembly)
            .SelectMany(r => Confined.Where(c => r.StartsWith(c.Prefix, StringComparison.Ordinal) && !c.Owners.Contains(name)).Select(_ => r))
            .ToArray();

        Assert.Empty(strays);
    }

    [Fact]
    public void Folders_WithinEachAssembly_FormNoCycle()
    {
        var graph = FolderGraph(Path.Combine(RepositoryPaths.Root(), "src"));

        var cycles = StronglyConnected(graph).Where(c => c.Count > 1).Select(c => string.Join(" <-> ", c.Order(StringComparer.Ordinal))).ToArray();

        Assert.True(cycles.Length == 0, "folders that depend on each other: " + string.Join("; ", cycles));
    }

    [Fact]
    public void StronglyConnected_TwoFoldersUsingEachOther_IsFoundAsACycle()
    {
        var graph = new Dictionary<string, HashSet<string>>
        {
            ["A/Gating"] = ["A/Reporting"],
            ["A/Reporting"] = ["A/Gating", "A/IO"],
            ["A/IO"] = [],
        };

        var cycles = StronglyConnected(graph).Where(c => c.Count > 1).ToArray();

        Assert.Equal(["A/Gating", "A/Reporting"], Assert.Single(cycles).Order(StringComparer.Ordinal));
    }

    private static IEnumerable<string> References(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(r => r.Name!);

    /// <summary>
    /// Top-level folders (the first namespace segment below the project's) and the folders their usings name. A
    /// project's root namespace is a node of its own: registration classes live there and may use every folder.
    /// </summary>
    private static Dictionary<string, HashSet<string>> FolderGraph(string src)
    {
        var projects = Directory.GetDirectories(src).Select(Path.GetFileName).OfType<string>().OrderByDescending(p => p.Length).ToArray();
        string? Unit(string ns)
        {
            var project = projects.FirstOrDefault(p => ns == p || ns.StartsWith(p + ".", StringComparison.Ordinal));
            return project is null ? null : ns == project ? project : project + "/" + ns[(project.Length + 1)..].Split('.')[0];
        }

        var graph = new Dictionary<string, HashSet<string>>();
        var separator = Path.DirectorySeparatorChar;
        foreach (var file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
                     .Where(p => !p.Contains($"{separator}bin{separator}", StringComparison.Ordinal) && !p.Contains($"{separator}obj{separator}", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            if (NamespacePattern().Match(text) is not { Success: true } declared || Unit(declared.Groups[1].Value) is not { } from)
            {
                continue;
            }

            var edges = graph.TryGetValue(from, out var set) ? set : graph[from] = [];
            foreach (Match used in UsingPattern().Matches(text))
            {
                if (Unit(used.Groups[1].Value) is { } to && to != from)
                {
                    edges.Add(to);
                }
            }
        }

        return graph;
    }

    /// <summary>Tarjan's strongly connected components.</summary>
    private static List<List<string>> StronglyConnected(Dictionary<string, HashSet<string>> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var components = new List<List<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            foreach (var w in graph.GetValueOrDefault(v) ?? [])
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (stack.Contains(w) && index.TryGetValue(w, out var reached))
                {
                    low[v] = Math.Min(low[v], reached);
                }
            }

            if (low[v] == index[v])
            {
                var component = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    component.Add(w);
                }
                while (w != v);
                components.Add(component);
            }
        }

        foreach (var v in graph.Keys.ToArray())
        {
            if (!index.ContainsKey(v))
            {
                Visit(v);
            }
        }

        return components;
    }

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespacePattern();

    [GeneratedRegex(@"^using (?:static )?(ModelGate[\w.]*);", RegexOptions.Multiline)]
    private static partial Regex UsingPattern();
}
