using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelGate.Core;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;
using ModelGate.Forgetting;
using ModelGate.GitHub.Sinks;
using ModelGate.Registries.Azure;
using ModelGate.Registries.Hub;
using ModelGate.Torch;

namespace ModelGate.Cli.Hosting;

/// <summary>
/// Builds the host a verb runs in: Core's services, logging to stderr (stdout carries reports), and settings
/// from ./modelgate.json (or --config), then MODELGATE_* environment variables, then the command line.
/// </summary>
public static class CliHost
{
    public static IHost Build(ParseResult parse, CliContext context)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = Directory.GetCurrentDirectory(),
        });

        var configFile = parse.GetValue(CommonOptions.Config);
        if (configFile is not null && !configFile.Exists)
        {
            throw new UserInputException($"--config {configFile.FullName}: file not found");
        }

        var settingsFile = configFile?.FullName ?? Path.Combine(Directory.GetCurrentDirectory(), "modelgate.json");
        try
        {
            // Read through Core's bounded reader (a FIFO or /dev/zero named modelgate.json must not hang or fill
            // memory); the configuration manager parses a source as soon as it is added.
            if (configFile is not null || File.Exists(settingsFile))
            {
                builder.Configuration.AddJsonStream(new MemoryStream(BoundedFile.ReadAllBytes(settingsFile, BoundedFile.ConfigLimit, "settings file")));
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or System.Text.Json.JsonException)
        {
            throw new UserInputException($"{settingsFile}: not a valid settings file ({(e.InnerException ?? e).Message.ReplaceLineEndings(" ")})");
        }

        builder.Configuration.AddEnvironmentVariables("MODELGATE_");

        var verbose = parse.GetValue(CommonOptions.Verbose);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = verbose ? "HH:mm:ss " : null;
        });
        builder.Logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Warning);

        builder.Services.AddModelGateCore();
        builder.Services.AddModelGateTorch();
        builder.Services.AddModelGateForgetting();
        builder.Services.AddAzureBlobRegistry();
        builder.Services.AddHubRegistry();

        // Workflow commands and the comment's info lines go to stderr: the runner reads both streams for them, and
        // stdout carries the verdict table.
        builder.Services.AddGitHubReporting(new GitHubReporting { Environment = context.GitHubEnvironment, Log = context.Error });
        builder.Services.Configure<Core.Registries.RegistrySettings>(builder.Configuration.GetSection("Registries"));
        return builder.Build();
    }

    /// <summary>A setting: the command line if given there, else configuration (file, environment), else the default.</summary>
    public static T Setting<T>(ParseResult parse, IHost host, Option<T> option, string key, T fallback)
    {
        if (parse.GetResult(option) is { Implicit: false })
        {
            return parse.GetValue(option)!;
        }

        var config = host.Services.GetRequiredService<IConfiguration>();
        var raw = config[key];
        if (raw is null)
        {
            return fallback;
        }

        try
        {
            var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
            return (T)Convert.ChangeType(raw, type, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
        {
            var expected = Type.GetTypeCode(Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T)) switch
            {
                TypeCode.Int32 or TypeCode.Int64 => "a whole number",
                TypeCode.Double or TypeCode.Single => "a number",
                _ => typeof(T).Name,
            };
            throw new UserInputException($"setting '{key}' (MODELGATE_{key.ToUpperInvariant()} or the settings file) must be {expected}, got '{raw}'");
        }
    }
}
