using System.Text.Json;
using Json.Schema;
using ModelGate.Testing;

namespace ModelGate.Templates.Tests;

/// <summary>The policy's JSON schema (templates/intruder-gate-policy.schema.json) and how a JSONC policy is checked against it.</summary>
internal static class PolicySchema
{
    /// <summary>The repository's schema, the one the gate documents and the template ships.</summary>
    public static string Path => System.IO.Path.Combine(RepositoryPaths.Root(), "templates", "intruder-gate-policy.schema.json");

    public static readonly JsonDocumentOptions Jsonc = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The schema's complaints about <paramref name="jsoncText"/>, one line each; empty when it is valid.</summary>
    public static IReadOnlyList<string> Errors(string jsoncText, string schemaPath)
    {
        var schema = JsonSchema.FromText(File.ReadAllText(schemaPath), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        using var document = JsonDocument.Parse(jsoncText, Jsonc);
        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid
            ? []
            : (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")).ToList();
    }
}
