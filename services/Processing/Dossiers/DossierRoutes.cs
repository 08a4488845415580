namespace Procedures.Processing.Dossiers;

/// <summary>
/// The dossiers feature's routes. Each group carries its prefix and its tag (the officers' lifecycle, the desk's
/// printed forms, the citizens' public lookup); every endpoint maps its route relative to its group.
/// </summary>
public static class DossierRoutes
{
    public const string Prefix = "/api/v1/dossiers";

    public static IEndpointRouteBuilder MapDossiers(this IEndpointRouteBuilder app)
    {
        app.MapGroup(Prefix).WithTags("Lifecycle").MapActions().MapApology().MapDossierState().MapHistoryRead().MapDossierLists();
        app.MapGroup(Prefix).WithTags("Desk").MapReceipt();
        app.MapGroup("/api/v1/public/dossiers").WithTags("Public").MapPublicLookup();
        return app;
    }
}
