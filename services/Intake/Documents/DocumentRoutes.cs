namespace Procedures.Intake.Documents;

/// <summary>The documents feature's routes, relative to its one group (the route convention of every service).</summary>
public static class DocumentRoutes
{
    public static IEndpointRouteBuilder MapDocuments(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/documents").WithTags("Documents").MapUpload().MapServe();
        return app;
    }
}
