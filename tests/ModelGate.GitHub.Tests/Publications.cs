using System.Text;

namespace ModelGate.GitHub.Tests;

/// <summary>Gate results to publish, built by code.</summary>
internal static class Publications
{
    public static GitHubPublication Failing(string title = "Intruder gate: FAIL", string reportPath = "/tmp/modelgate/report.md") => new(
        $"# {title}\n\n6 intruder dimensions in 2 of 6 modules.\n\n## Rules\n\n| rule | status |\n|---|---|\n| intruders.total | fail |\n",
        "fail",
        6,
        reportPath,
        [
            new RuleAnnotation(AnnotationLevel.Error, "MG0001", "intruders.total", "6 intruder dimensions in total, above the fail level 4"),
            new RuleAnnotation(AnnotationLevel.Warning, "MG0002", "intruders.perModule", "q_proj: 2 intruders,\nabove the warn level 0: 50% of k"),
        ]);

    public static GitHubPublication Passing() => new("# Intruder gate: PASS\n\nno intruder dimensions.\n", "pass", 0, "/tmp/modelgate/report.md", []);

    /// <summary>A report of many sections, each about <paramref name="sectionChars"/> long.</summary>
    public static GitHubPublication Long(int sections, int sectionChars)
    {
        var text = new StringBuilder("# Intruder gate: FAIL\n\nsummary line\n\n");
        for (var s = 0; s < sections; s++)
        {
            var start = text.Length;
            text.Append("## Module model.layers.").Append(s).Append(".self_attn.q_proj\n\n```text\n");
            while (text.Length - start < sectionChars)
            {
                // Looks like a heading, but inside a code block it is not a section boundary.
                text.Append("## not a heading, inside a code block of section ").Append(s).Append('\n');
            }

            text.Append("```\n\n");
        }

        return new GitHubPublication(text.ToString(), "fail", 99, "/tmp/modelgate/report.md", []);
    }
}
