namespace AnnotateHub.Web.Features.Agreement;

public static class AgreementFeature
{
    /// <summary>The agreement feature's services: the report reader shared by the command line, the REST API and pages.</summary>
    public static IServiceCollection AddAgreement(this IServiceCollection services) =>
        services.AddSingleton<AgreementService>().AddSingleton<AgreementDashboardService>();
}
