using Procedures.AppHost;
using static Procedures.Contracts.ResourceNames;

// The system diagram: infrastructure first, then each service with what it talks to.
var builder = DistributedApplication.CreateBuilder(args);
PortCheck.ExitIfTaken(builder);

var infra = Infrastructure.Add(builder); // Postgres + RabbitMQ: containers if an engine answers, else local executables

var sandbox = builder.AddProject<Projects.NationalPortalSandbox>(Sandbox)       // national portal, payment platform,
    .AsIdentityProvider()                                                        // and the city's identity provider
    .WithHardening();

var intake = builder.AddProject<Projects.Intake>(Intake).WithInfrastructure(infra, Intake)
    .WithReference(sandbox); // the citizen store's lookup (checked reuse); no WaitFor: a submission finding it down is answered 503
// The key that signs the rating links sent with results (issue 10); a dev value, a secret parameter in production.
var ratingLinkKey = builder.AddParameter("rating-link-key", "dev-rating-link-key-0123456789abcdefghijklmnop", secret: true);
var processing = builder.AddProject<Projects.Processing>(Processing).WithInfrastructure(infra, Processing)
    .WithEnvironment("Feedback__Rating__SigningKey", ratingLinkKey);
// The payment platform's partner code and secret, one value for both sides (in production the platform issues them).
var partnerCode = builder.AddParameter("payment-partner-code", "HCM-H29-DEV");
var partnerSecret = builder.AddParameter("payment-partner-secret", "dev-payment-partner-secret", secret: true);
var payment = builder.AddProject<Projects.Payment>(Payment).WithInfrastructure(infra, Payment)
    .WithReference(sandbox).WaitFor(sandbox)
    .WithEnvironment("PaymentPlatform__PartnerCode", partnerCode).WithEnvironment("PaymentPlatform__Secret", partnerSecret);
sandbox.WithEnvironment("PaymentPlatform__PartnerCode", partnerCode).WithEnvironment("PaymentPlatform__Secret", partnerSecret)
    .WithEnvironment("PaymentPlatform__CallbackUrl", ReferenceExpression.Create($"{payment.GetEndpoint("http")}/api/v1/payments/callback"));
var portalSync = builder.AddProject<Projects.PortalSync>(PortalSync).WithInfrastructure(infra, PortalSync)
    .WithReference(sandbox).WaitFor(sandbox);
var reporting = builder.AddProject<Projects.Reporting>(Reporting).WithInfrastructure(infra, Reporting);
// The key sealing webhook signing secrets at rest; a dev value, a secret parameter in production.
var webhookSecretKey = builder.AddParameter("webhook-secret-key", "dev-webhook-secret-key-0123456789abcdefghij", secret: true);
var notifications = builder.AddProject<Projects.Notifications>(Notifications).WithInfrastructure(infra, Notifications)
    .WithBrokerManagement(infra) // creates the per-agency broker users: the only service with management rights
    .WithEnvironment("Webhooks__SecretKey", webhookSecretKey);

builder.Build().Run();
