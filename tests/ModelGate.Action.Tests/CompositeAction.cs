using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ModelGate.Action.Tests;

/// <summary>
/// action.yml read with YamlDotNet: its inputs (with defaults), outputs and steps. Only what our composite action
/// uses is understood; anything else (an `if:`, an expression other than inputs/steps/github.token/runner.temp)
/// fails the load, so the tests cannot silently run something other than what GitHub would.
/// </summary>
internal sealed partial class CompositeAction
{
    private static readonly HashSet<string> StepKeys = ["name", "id", "uses", "with", "shell", "env", "run"];

    private CompositeAction(IReadOnlyDictionary<string, ActionInput> inputs, IReadOnlyDictionary<string, string> outputs, IReadOnlyList<ActionStep> steps)
    {
        Inputs = inputs;
        Outputs = outputs;
        Steps = steps;
    }

    public IReadOnlyDictionary<string, ActionInput> Inputs { get; }

    /// <summary>Output name → its value expression.</summary>
    public IReadOnlyDictionary<string, string> Outputs { get; }

    public IReadOnlyList<ActionStep> Steps { get; }

    public static CompositeAction Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var inputs = Map(root, "inputs").Children.ToDictionary(
            e => Scalar(e.Key),
            e =>
            {
                var input = (YamlMappingNode)e.Value;
                return new ActionInput(
                    Optional(input, "required") is "true",
                    Optional(input, "default"),
                    Optional(input, "description") ?? throw new InvalidDataException($"input {Scalar(e.Key)} has no description"));
            });
        var outputs = Map(root, "outputs").Children.ToDictionary(e => Scalar(e.Key), e => Optional((YamlMappingNode)e.Value, "value") ?? "");

        var runs = Map(root, "runs");
        if (Optional(runs, "using") != "composite")
        {
            throw new InvalidDataException("runs.using must be composite");
        }

        var steps = new List<ActionStep>();
        foreach (var node in ((YamlSequenceNode)runs.Children[new YamlScalarNode("steps")]).Children.Cast<YamlMappingNode>())
        {
            var unknown = node.Children.Keys.Select(Scalar).Where(k => !StepKeys.Contains(k)).ToList();
            if (unknown.Count > 0)
            {
                throw new InvalidDataException($"step keys the test runner does not model: {string.Join(", ", unknown)}");
            }

            var env = node.Children.TryGetValue(new YamlScalarNode("env"), out var envNode)
                ? ((YamlMappingNode)envNode).Children.ToDictionary(e => Scalar(e.Key), e => Scalar(e.Value))
                : new Dictionary<string, string>();
            var with = node.Children.TryGetValue(new YamlScalarNode("with"), out var withNode)
                ? ((YamlMappingNode)withNode).Children.ToDictionary(e => Scalar(e.Key), e => Scalar(e.Value))
                : new Dictionary<string, string>();
            steps.Add(new ActionStep(Optional(node, "id"), Optional(node, "name"), Optional(node, "uses"), Optional(node, "shell"), Optional(node, "run"), env, with));
        }

        return new CompositeAction(inputs, outputs, steps);
    }

    /// <summary>Replaces every ${{ … }} the action may use; an expression this runner does not know fails.</summary>
    public static string Evaluate(string text, Func<string, string> resolve) =>
        Expression().Replace(text, m => resolve(m.Groups["expr"].Value.Trim()));

    public static bool HasExpression(string text) => Expression().IsMatch(text);

    [GeneratedRegex(@"\$\{\{(?<expr>.*?)\}\}")]
    private static partial Regex Expression();

    private static YamlMappingNode Map(YamlMappingNode parent, string key) =>
        parent.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlMappingNode map
            ? map
            : throw new InvalidDataException($"action.yml has no '{key}' mapping");

    private static string? Optional(YamlMappingNode parent, string key) =>
        parent.Children.TryGetValue(new YamlScalarNode(key), out var node) ? Scalar(node) : null;

    private static string Scalar(YamlNode node) => node is YamlScalarNode { Value: { } value } ? value : throw new InvalidDataException($"expected a scalar at {node.Start}");
}
