using YamlDotNet.RepresentationModel;

namespace ModelGate.Action.Tests;

/// <summary>
/// A workflow file read with YamlDotNet: its env and its jobs. As with <see cref="CompositeAction"/>, only what the
/// generated workflow uses is understood (a job key or step key beyond it fails the load).
/// </summary>
internal sealed class Workflow
{
    private static readonly HashSet<string> JobKeys = ["runs-on", "needs", "strategy", "steps"];
    private static readonly HashSet<string> StepKeys = ["name", "id", "uses", "with", "shell", "env", "run"];

    private Workflow(IReadOnlyDictionary<string, string> env, IReadOnlyList<WorkflowJob> jobs)
    {
        Env = env;
        Jobs = jobs;
    }

    public IReadOnlyDictionary<string, string> Env { get; }

    /// <summary>In file order.</summary>
    public IReadOnlyList<WorkflowJob> Jobs { get; }

    public static Workflow Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var jobs = new List<WorkflowJob>();
        foreach (var (key, value) in Mapping(root, "jobs")!.Children)
        {
            var job = (YamlMappingNode)value;
            Known(job, JobKeys, $"job {key}");
            var needs = job.Children.TryGetValue(new YamlScalarNode("needs"), out var needsNode)
                ? needsNode is YamlSequenceNode list ? list.Select(Scalar).ToList() : [Scalar(needsNode)]
                : new List<string>();
            var matrix = new Dictionary<string, IReadOnlyList<string>>();
            if (Mapping(job, "strategy") is { } strategy)
            {
                Known(strategy, ["matrix"], $"job {key} strategy");
                foreach (var (variable, values) in Mapping(strategy, "matrix")!.Children)
                {
                    matrix[Scalar(variable)] = ((YamlSequenceNode)values).Select(Scalar).ToList();
                }
            }

            var steps = new List<ActionStep>();
            foreach (var node in ((YamlSequenceNode)job.Children[new YamlScalarNode("steps")]).Children.Cast<YamlMappingNode>())
            {
                Known(node, StepKeys, $"job {key} step");
                steps.Add(new ActionStep(Optional(node, "id"), Optional(node, "name"), Optional(node, "uses"), Optional(node, "shell"), Optional(node, "run"), Scalars(Mapping(node, "env")), Scalars(Mapping(node, "with"))));
            }

            jobs.Add(new WorkflowJob(Scalar(key), needs, matrix, steps));
        }

        return new Workflow(Scalars(Mapping(root, "env")), jobs);
    }

    private static void Known(YamlMappingNode node, HashSet<string> keys, string where)
    {
        var unknown = node.Children.Keys.Select(Scalar).Where(k => !keys.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidDataException($"{where}: keys the test runner does not model: {string.Join(", ", unknown)}");
        }
    }

    private static YamlMappingNode? Mapping(YamlMappingNode parent, string key) =>
        parent.Children.TryGetValue(new YamlScalarNode(key), out var node) ? (YamlMappingNode)node : null;

    private static Dictionary<string, string> Scalars(YamlMappingNode? map) =>
        map?.Children.ToDictionary(e => Scalar(e.Key), e => Scalar(e.Value)) ?? [];

    private static string? Optional(YamlMappingNode parent, string key) =>
        parent.Children.TryGetValue(new YamlScalarNode(key), out var node) ? Scalar(node) : null;

    private static string Scalar(YamlNode node) => node is YamlScalarNode { Value: { } value } ? value : throw new InvalidDataException($"expected a scalar at {node.Start}");
}
