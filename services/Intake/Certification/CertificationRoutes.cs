namespace Procedures.Intake.Certification;

/// <summary>
/// The certified copies' routes: the officers' group and the public one (a citizen or a third party verifies a copy
/// without an account), and the public keys that verify copies offline at /.well-known/jwks.json. Each group carries its
/// prefix and its tag; the routes are relative to it.
/// </summary>
public static class CertificationRoutes
{
    public static IEndpointRouteBuilder MapCertifiedCopies(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/certified-copies").WithTags("Certified copies").MapCertify();
        app.MapGroup("/api/v1/public/certified-copies").WithTags("Public").MapVerifyCopy();
        app.MapVerificationKeys();
        return app;
    }
}
