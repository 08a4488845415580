using System.Net;
using Microsoft.Kiota.Abstractions;
using Procedures.ApiClients.Intake.Models;
using Procedures.ApiClients.Notifications.Models;
using Procedures.EndToEnd.Tests.GeneratedClients;
using Procedures.Services.Tests.Notifications;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

public sealed partial class GeneratedClientTests
{
    private const string Submitted = "vn.hcm.procedures.dossier.submitted.v1";
    private const string Received = "vn.hcm.procedures.dossier.received.v1";

    private readonly WebhookReceiver _receiver = new();

    [Fact]
    public async Task Webhook_subscriptions_are_managed_and_their_delivery_log_read_through_the_generated_client()
    {
        // The city's administrator, filtered to one agency: the agencies' own subscription lists stay as NotificationsTests expects them.
        var subscriptions = _clients.Notifications("dev-admin").Api.V1.Webhooks.Subscriptions;
        const string hook = "generated-client";
        var creation = new ExchangeOption();
        var created = (await subscriptions.PostAsync(new SubscriptionsRequest
        {
            Url = _receiver.Url(hook, "whsec_placeholder"), EventTypes = [Submitted], Agencies = [Agency], Description = "Kiota client",
        }, c =>
        {
            c.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            c.Options.Add(creation);
        }))!;
        Assert.Equal(HttpStatusCode.Created, creation.Status);
        Assert.StartsWith("whsec_", created.Secret, StringComparison.Ordinal); // shown once, here
        _receiver.Url(hook, created.Secret!);
        Assert.Equal("active", created.State);
        Assert.Equal([Submitted], created.EventTypes!);
        Assert.Equal([Agency], created.Agencies!);
        var id = created.Id!.Value;
        var subscription = subscriptions[id];

        // The typed views have no secret at all (SubscriptionsView), so "not shown again" is the document's promise.
        Assert.Contains((await subscriptions.GetAsync())!.Items!, s => s.Id == id);
        var read = (await subscription.GetAsync())!;
        Assert.Equal((created.Url, "Kiota client", Agency), (read.Url, read.Description, read.Agencies!.Single()));
        var patched = (await subscription.PatchAsync(new SubscriptionsRequest { EventTypes = [Submitted, Received], Description = "Kiota client, patched" }))!;
        Assert.Equal([Submitted, Received], patched.EventTypes!);
        Assert.Equal("Kiota client, patched", patched.Description);
        Assert.Equal("paused", (await subscription.Pause.PostAsync())!.State);
        Assert.Equal("active", (await subscription.Resume.PostAsync())!.State);

        // One dossier of the agency, submitted through the generated Intake client, fills the delivery log.
        var intake = _clients.Intake(Clerk);
        var dossier = (await intake.Api.V1.Dossiers.PostAsync(new SubmitRequest
        {
            ProcedureCode = Submissions.ProcedureCode, ReceivingUnit = Agency, Channel = 2,
            Applicant = new Applicant { Kind = "citizen", Name = "Nguyễn Văn A", CitizenId = "079203001234" },
            Documents = Submissions.RequiredComponents.Select(c => new DocumentReference { ComponentCode = c, ReusedFrom = Submissions.StoredResult, FromCitizenStore = true }).ToList(),
        }, c => c.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString())))!;
        var delivered = await Eventually.Until(() => subscription.Deliveries.GetAsync(c => c.QueryParameters.State = "delivered"),
            d => d?.Items?.Any(i => i.DossierCode == dossier.DossierCode) == true, TimeSpan.FromSeconds(60), "the submitted event's delivery");
        var delivery = delivered!.Items!.First(i => i.DossierCode == dossier.DossierCode);
        Assert.Equal((1, 200), (delivery.Attempts, delivery.LastStatus));
        var attempts = (await subscription.Attempts.GetAsync())!.Items!;
        Assert.Contains(attempts, a => a.EventId == delivery.EventId && a.StatusCode == 200 && a.LatencyMs >= 0);
        Assert.All(_receiver.Requests.Where(r => r.Hook == hook), r => Assert.True(r.Verified, "signed with the secret shown at creation"));

        var deletion = new ExchangeOption();
        await subscription.DeleteAsync(c => c.Options.Add(deletion));
        Assert.Equal(HttpStatusCode.NoContent, deletion.Status);
        var gone = await Assert.ThrowsAnyAsync<ApiException>(() => subscription.GetAsync());
        Assert.Equal(404, gone.ResponseStatusCode);
    }
}
