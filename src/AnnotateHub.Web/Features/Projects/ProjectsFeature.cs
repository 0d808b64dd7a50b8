namespace AnnotateHub.Web.Features.Projects;

public static class ProjectsFeature
{
    /// <summary>
    /// Who may do what in a project (<see cref="ProjectAccess"/>), the team's changes, and the watcher through which
    /// rights changes that other processes commit reach this one's caches, circuits and hub connections (decision 0042).
    /// </summary>
    public static IServiceCollection AddProjects(this IServiceCollection services)
    {
        services.AddSingleton<ProjectAccess>();
        services.AddSingleton<TeamService>();
        services.AddSingleton<ProjectAdminService>();
        services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.Section);
        // Runs only where the host starts (the web app), not in the command line or the component tests.
        services.AddHostedService<AccessChangeWatcher>();
        return services;
    }
}
