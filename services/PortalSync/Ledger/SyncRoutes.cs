namespace Procedures.PortalSync.Ledger;

/// <summary>The sync feature's routes (status, retry, reconciliation), relative to its one group.</summary>
public static class SyncRoutes
{
    public static IEndpointRouteBuilder MapSync(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/sync").WithTags("Sync").MapSyncStatus().MapReconciliation();
        return app;
    }
}
