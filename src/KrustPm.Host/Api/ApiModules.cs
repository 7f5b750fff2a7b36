using Carter;

namespace KrustPm.Host.Api;

/// <summary>
/// Registers and maps krust-pm's Carter modules one by one. Carter's own <c>AddCarter</c>/<c>MapCarter</c> discover
/// modules, validators and negotiators by scanning assemblies (reflection and DependencyContext), which Native AOT
/// cannot do; listing the modules here keeps the host trimmable with no warnings.
/// </summary>
internal static class ApiModules
{
    public static IServiceCollection AddApiModules(this IServiceCollection services) => services
        .AddSingleton<SnapshotJson>()
        .AddSingleton<CommandLog>()
        .AddSingleton<StreamMemory>()
        .AddSingleton<StreamSlots>()
        .AddSingleton<ICarterModule, RootModule>()
        .AddSingleton<ICarterModule, ScaleModule>()
        .AddSingleton<ICarterModule, LogsModule>()
        .AddSingleton<ICarterModule, TargetLogsModule>()
        .AddSingleton<ICarterModule, LogFilesModule>()
        .AddSingleton<ICarterModule, ProgramsModule>()
        .AddSingleton<ICarterModule, ProgramCommandsModule>()
        .AddSingleton<ICarterModule, InstanceCommandsModule>()
        .AddSingleton<ICarterModule, HealthModule>()
        .AddSingleton<ICarterModule, EventsModule>()
        .AddSingleton<ICarterModule, ReloadModule>()
        .AddSingleton<ICarterModule, OpenApiModule>()
        .AddSingleton<Dashboard.DashboardAssets>()
        .AddSingleton<ICarterModule, Dashboard.DashboardModule>();

    public static void MapApiModules(this WebApplication app)
    {
        var routes = app.MapGroup(string.Empty);
        routes.AnswerHeadLikeGet();
        foreach (var module in app.Services.GetServices<ICarterModule>())
        {
            module.AddRoutes(routes);
        }
    }
}
