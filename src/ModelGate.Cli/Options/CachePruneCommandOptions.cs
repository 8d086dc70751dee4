using System.CommandLine;
using System.CommandLine.Parsing;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;

namespace ModelGate.Cli.Options;

/// <summary>What <c>cache prune</c> was asked, bound and checked in one place before any work.</summary>
public sealed record CachePruneCommandOptions
{
    public static readonly Option<TimeSpan?> OlderThanOption = new("--older-than")
    {
        Description = "Remove entries not used for this long: e.g. 30d, 12h, 90m, 2w.",
        CustomParser = result => Parse<TimeSpan>(result, "--older-than", "an age such as 30d, 12h or 90m", HumanQuantities.TryParseAge),
    };

    public static readonly Option<long?> MaxSizeOption = new("--max-size")
    {
        Description = "Remove the least recently used entries until the cache is at most this size: e.g. 20GB, 500MB, 4GiB.",
        CustomParser = result => Parse<long>(result, "--max-size", "a size such as 20GB, 500MB or 4GiB", HumanQuantities.TryParseSize),
    };

    public static readonly Option<bool> AllOption = new("--all") { Description = "Remove every entry." };

    /// <summary>Null with <see cref="All"/>: every entry goes.</summary>
    public TimeSpan? OlderThan { get; init; }

    public long? MaxSize { get; init; }
    public bool All { get; init; }

    public static CachePruneCommandOptions Bind(ParseResult parse)
    {
        var options = new CachePruneCommandOptions
        {
            OlderThan = parse.GetValue(OlderThanOption),
            MaxSize = parse.GetValue(MaxSizeOption),
            All = parse.GetValue(AllOption),
        };
        if (options.All == (options.OlderThan is not null || options.MaxSize is not null))
        {
            // Pruning everything by default would make a forgotten option expensive.
            throw new UserInputException("cache prune: give --older-than and/or --max-size, or --all (not both)");
        }

        return options;
    }

    private delegate bool TryParser<T>(string? text, out T value);

    private static T? Parse<T>(ArgumentResult result, string option, string expected, TryParser<T> tryParse) where T : struct
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (tryParse(text, out var value))
        {
            return value;
        }

        result.AddError($"{option} '{text}' is not {expected}");
        return null;
    }
}
