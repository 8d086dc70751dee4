using ModelGate.Core.Errors;

namespace ModelGate.Core.Reporting;

/// <summary>Checks an output path before the (long) analysis, so a typo fails in a second rather than after it.</summary>
internal static class ReportFiles
{
    public static string Checked(string path, InputField field)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new UserInputException(field, $"{path}: is a folder; give a file name");
        }

        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            throw new UserInputException(field, $"{path}: folder {folder} does not exist");
        }

        return path;
    }
}
