using ModelGate.Core.Calibration;
using ModelGate.Core.Forgetting;
using ModelGate.Core.IO;
using ModelGate.Core.Lineage;
using ModelGate.Core.Reporting;
using ModelGate.Core.Spectral;
using Spectre.Console;

namespace ModelGate.Cli.Rendering;

/// <summary>Renders a report in the asked format to stdout or, atomically, to a file.</summary>
public static class ReportWriter
{
    public static void Write(IntruderReport report, ReportFormat format, string? outputFile, TextWriter stdout, bool stdoutIsTerminal) =>
        Write(format switch
        {
            ReportFormat.Json => IntruderReportJson.Serialize(report) + Environment.NewLine,
            ReportFormat.Markdown => IntruderReportMarkdown.Render(report),
            _ => null,
        }, console => ReportTable.Write(console, report), outputFile, stdout, stdoutIsTerminal);

    public static void Write(LineageReport report, ReportFormat format, string? outputFile, TextWriter stdout, bool stdoutIsTerminal) =>
        Write(format switch
        {
            ReportFormat.Json => LineageReportJson.Serialize(report) + Environment.NewLine,
            ReportFormat.Markdown => LineageReportMarkdown.Render(report),
            _ => null,
        }, console => LineageTable.Write(console, report), outputFile, stdout, stdoutIsTerminal);

    public static void Write(ForgettingReport report, ReportFormat format, string? outputFile, TextWriter stdout, bool stdoutIsTerminal) =>
        Write(format switch
        {
            ReportFormat.Json => ForgettingReportJson.Serialize(report) + Environment.NewLine,
            ReportFormat.Markdown => ForgettingReportMarkdown.Render(report),
            _ => null,
        }, console => ForgettingTable.Write(console, report), outputFile, stdout, stdoutIsTerminal);

    public static void Write(CalibrationResult result, ReportFormat format, string? outputFile, TextWriter stdout, bool stdoutIsTerminal) =>
        Write(format switch
        {
            ReportFormat.Json => CalibrationReportJson.Serialize(result),
            ReportFormat.Markdown => CalibrationReportMarkdown.Render(result),
            _ => null,
        }, console => CalibrationTable.Write(console, result), outputFile, stdout, stdoutIsTerminal);

    /// <summary><paramref name="text"/> when the format is text; null for the table, which <paramref name="table"/> draws.</summary>
    private static void Write(string? text, Action<IAnsiConsole> table, string? outputFile, TextWriter stdout, bool stdoutIsTerminal)
    {
        if (text is null)
        {
            var target = outputFile is null ? stdout : new StringWriter();
            var console = OutputConsole.Create(target, outputFile is null && stdoutIsTerminal);

            table(console);
            text = outputFile is null ? null : target.ToString();
        }

        if (text is null)
        {
            return;
        }

        if (outputFile is null)
        {
            stdout.Write(text);
        }
        else
        {
            AtomicFile.WriteAllText(outputFile, text);
        }
    }
}
