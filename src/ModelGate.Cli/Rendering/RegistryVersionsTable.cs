using System.Globalization;
using System.Text.Json;
using ModelGate.Core.Registries;
using Spectre.Console;

namespace ModelGate.Cli.Rendering;

/// <summary>The versions under a registry location: released ones with their verdict, the rest marked as not released.</summary>
public static class RegistryVersionsTable
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Write(string location, IReadOnlyList<RegistryVersion> versions, TextWriter output, bool isTerminal)
    {
        if (versions.Count == 0)
        {
            output.WriteLine($"{location}: no versions");
            return;
        }

        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle(Markup.Escape(location)) };
        table.AddColumn("Version");
        table.AddColumn("Verdict");
        table.AddColumn(new TableColumn("Intruders").RightAligned());
        table.AddColumn("Released (UTC)");
        table.AddColumn("Pinned / adapter");
        foreach (var v in versions)
        {
            var release = v.Release;
            table.AddRow(
                Markup.Escape(v.Name),
                release is null ? "[grey]not released[/]" : Markup.Escape(release.Verdict ?? "merged, not gated"),
                release?.TotalIntruders?.ToString(CultureInfo.InvariantCulture) ?? "",
                release is null ? "" : release.ReleasedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                Markup.Escape(v.Pinned ?? release?.AdapterVersion ?? release?.Adapter ?? ""));
        }

        OutputConsole.Create(output, isTerminal).Write(table);
        var released = versions.Count(v => v.Release is not null);
        output.WriteLine($"{versions.Count} versions, {released} released");
    }

    public static string ToJson(IReadOnlyList<RegistryVersion> versions) => JsonSerializer.Serialize(
        versions.Select(v => new
        {
            name = v.Name,
            uri = v.Uri,
            pinned = v.Pinned,
            released = v.Release is not null,
            verdict = v.Release?.Verdict,
            totalIntruders = v.Release?.TotalIntruders,
            releasedAt = v.Release?.ReleasedAt,
        }),
        Indented);
}
