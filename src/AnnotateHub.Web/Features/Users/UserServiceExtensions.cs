namespace AnnotateHub.Web.Features.Users;

public static class UserServiceExtensions
{
    /// <summary>Account administration for the admin page and the command line.</summary>
    public static IHostApplicationBuilder AddUserAdministration(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<UserAdminService>();
        return builder;
    }
}
