namespace Procedures.Intake.Dossiers;

/// <summary>The dossiers feature's routes, relative to its one group (the route convention of every service).</summary>
public static class DossierRoutes
{
    public static IEndpointRouteBuilder MapDossiers(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/dossiers").WithTags("Dossiers").MapSubmit().MapRead();
        return app;
    }
}
