using Microsoft.Extensions.DependencyInjection;

namespace ModelGate.Core.Reporting;

public static class ReportingServiceCollectionExtensions
{
    /// <summary>The file report sinks (Markdown, JSON verdict, HTML) a gate writes through.</summary>
    public static IServiceCollection AddReporting(this IServiceCollection services)
    {
        services.AddSingleton<IReportSinkProvider, FileReportSinkProvider>();
        return services;
    }
}
