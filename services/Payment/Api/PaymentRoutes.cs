namespace Procedures.Payment.Api;

/// <summary>
/// The payments feature's routes: the platform's callback and the reconciliation under /api/v1/payments, a dossier's
/// payments under the dossier. Each group carries its prefix and its tag; the routes are relative to it.
/// </summary>
public static class PaymentRoutes
{
    public const string Prefix = "/api/v1/payments";

    public static IEndpointRouteBuilder MapPayments(this IEndpointRouteBuilder app)
    {
        app.MapGroup(Prefix).WithTags("Payments").MapCallback().MapReconciliation();
        app.MapGroup("/api/v1/dossiers/{code}/payments").WithTags("Payments").MapDossierPayments().MapNewPaymentRequest().MapDeskPayment()
            .MapDeskRefund();
        return app;
    }
}
