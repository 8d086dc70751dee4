using Microsoft.Extensions.DependencyInjection;
using ModelGate.Core.Reporting;

namespace ModelGate.GitHub.Sinks;

/// <summary>Adds the GitHub sinks to a front end that gates (the CLI; the Action runs the CLI).</summary>
public static class GitHubServiceCollectionExtensions
{
    public static IServiceCollection AddGitHubReporting(this IServiceCollection services, GitHubReporting reporting)
    {
        services.AddSingleton(reporting);
        services.AddSingleton<IReportSinkProvider, GitHubReportSinkProvider>();
        return services;
    }
}
