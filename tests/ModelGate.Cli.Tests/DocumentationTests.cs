using System.CommandLine;
using System.CommandLine.Help;
using System.Text.RegularExpressions;
using ModelGate.Testing;

namespace ModelGate.Cli.Tests;

/// <summary>
/// The docs cannot fall behind the tool: every verb of the real command tree has its page under docs/cli, each page
/// names every option of its verb (and of its sub-verbs), the docs index links every page, and no relative link in the
/// README or the docs points at nothing.
/// </summary>
public sealed partial class DocumentationTests
{
    private static readonly string Root = RepositoryPaths.Root();
    private static readonly string CliDocs = Path.Combine(Root, "docs", "cli");

    public static TheoryData<string> Verbs() => new(Tree().Subcommands.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Verbs))]
    public void EveryVerb_HasAPage_ThatNamesEachOfItsOptionsAndSubVerbs(string verb)
    {
        var page = Path.Combine(CliDocs, verb + ".md");
        Assert.True(File.Exists(page), $"no page docs/cli/{verb}.md for the verb '{verb}'");
        var text = File.ReadAllText(page);

        var missing = new List<string>();
        Collect(Tree().Subcommands.Single(c => c.Name == verb), verb, text, missing);

        Assert.True(missing.Count == 0, $"docs/cli/{verb}.md does not mention: {string.Join(", ", missing)}");
    }

    [Fact]
    public void OptionsEveryVerbTakes_AreOnTheCommonOptionsPage()
    {
        var text = File.ReadAllText(Path.Combine(CliDocs, "common-options.md"));

        var missing = OwnOptions(Tree()).Where(o => !Mentions(text, o.Name)).Select(o => o.Name).ToList();

        Assert.True(missing.Count == 0, $"docs/cli/common-options.md does not mention: {string.Join(", ", missing)}");
    }

    [Fact]
    public void CommandPages_AreOnlyForVerbsThatExist()
    {
        var verbs = Tree().Subcommands.Select(c => c.Name).Append("common-options").ToHashSet();

        var stale = Directory.GetFiles(CliDocs, "*.md").Select(Path.GetFileNameWithoutExtension).Where(p => !verbs.Contains(p!)).ToList();

        Assert.True(stale.Count == 0, $"docs/cli has pages for no verb: {string.Join(", ", stale)}");
    }

    [Fact]
    public void DocsIndex_LinksEveryCommandPage()
    {
        var links = RelativeLinks(Path.Combine(Root, "docs", "README.md")).Select(l => l.Target).ToHashSet();

        var unlinked = Directory.GetFiles(CliDocs, "*.md").Select(p => "cli/" + Path.GetFileName(p)).Where(p => !links.Contains(p)).ToList();

        Assert.True(unlinked.Count == 0, $"docs/README.md does not link: {string.Join(", ", unlinked)}");
    }

    [Fact]
    public void RelativeLinks_InTheReadmeAndTheDocs_PointAtFilesThatExist()
    {
        var pages = Directory.GetFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories).Prepend(Path.Combine(Root, "README.md"));

        var broken = pages
            .SelectMany(RelativeLinks)
            .Where(l => !File.Exists(l.Resolved) && !Directory.Exists(l.Resolved))
            .Select(l => $"{Path.GetRelativePath(Root, l.Page)} → {l.Target}")
            .ToList();

        Assert.True(broken.Count == 0, "links to nothing: " + string.Join("; ", broken));
    }

    [Fact]
    public void PackageReadme_HasNoRelativeLinks()
    {
        // nuget.org shows the tool package's readme on its own: a relative link there leads nowhere.
        var readme = Path.Combine(Root, "src", "ModelGate.Cli", "PACKAGE.md");

        var relative = RelativeLinks(readme).Select(l => l.Target).ToList();

        Assert.True(relative.Count == 0, "relative links in PACKAGE.md: " + string.Join(", ", relative));
    }

    private static RootCommand Tree() => CliApplication.CreateRootCommand(new CliContext(TextWriter.Null, TextWriter.Null, outIsTerminal: false, errorIsTerminal: false));

    private static void Collect(Command command, string path, string text, List<string> missing)
    {
        missing.AddRange(OwnOptions(command).Where(o => !Mentions(text, o.Name)).Select(o => $"{path} {o.Name}"));
        foreach (var sub in command.Subcommands)
        {
            var subPath = $"{path} {sub.Name}";
            if (!text.Contains(subPath, StringComparison.Ordinal))
            {
                missing.Add($"the sub-verb '{subPath}'");
            }

            Collect(sub, subPath, text, missing);
        }
    }

    private static IEnumerable<Option> OwnOptions(Command command) =>
        command.Options.Where(o => o is not HelpOption and not VersionOption);

    // "--base" must not count as mentioned because "--baseline" is.
    private static bool Mentions(string text, string option) =>
        Regex.IsMatch(text, $@"(?<![\w-]){Regex.Escape(option)}(?![\w-])");

    private static IEnumerable<(string Page, string Target, string Resolved)> RelativeLinks(string page)
    {
        var text = CodeBlock().Replace(File.ReadAllText(page), string.Empty);
        foreach (Match m in MarkdownLink().Matches(text))
        {
            var target = m.Groups["target"].Value;
            if (target.StartsWith('#') || Uri.TryCreate(target, UriKind.Absolute, out _))
            {
                continue;
            }

            var file = target.Split('#')[0];
            yield return (page, target, Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, Uri.UnescapeDataString(file))));
        }
    }

    [GeneratedRegex(@"^(```|~~~).*?^\1", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)")]
    private static partial Regex MarkdownLink();
}
