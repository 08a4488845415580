using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests.Isolation;

/// <summary>
/// Agency A's resources, one of each kind a path parameter can name, seeded through the API as an agency system would,
/// and every value of them (codes, names, identifiers, links) that another agency must never read.
/// </summary>
public sealed record AgencyData(
    string Agency,
    string DossierCode,
    string PaymentDossierCode,
    string CitizenId,
    Guid DocumentId,
    Guid FeedbackId,
    Guid SubscriptionId,
    Guid CertifiedCopyId,
    IReadOnlyDictionary<string, string> Secrets);

public static class AgencySeed
{
    public const string AgencyA = "26740.H29";   // phuong-sai-gon
    public const string AgencyB = "26737.H29";   // phuong-tan-dinh

    /// <summary>Đăng ký thường trú: bears a fee (PaymentTests), so a payment request exists for its dossier.</summary>
    private const string FeeBearingProcedure = "1.004222";

    private const string Officer = "Nguyễn Thị Hoa";

    /// <summary>
    /// A's webhook subscription (paused, filtered to a procedure that does not exist: no deliveries, so its state only
    /// changes if someone changes it), an uploaded document and its certified copy, a dossier through its whole life
    /// whose sync the portal rejected (a failure in the sync status), feedback on it, its rating link, and a dossier
    /// waiting for its fee (a payment request). The portal's faults are off again when this returns.
    /// </summary>
    public static async Task<AgencyData> SeedAsync(SystemFixture system, string tokenA, string admin)
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var secrets = new Dictionary<string, string>();
        var citizenId = "079203" + Random.Shared.Next(0, 1_000_000).ToString("D6");
        var name = $"Nguyễn Văn Cách-ly-{tag}";
        secrets["applicant name"] = name;
        secrets["citizen id"] = citizenId;
        secrets["applicant email"] = $"cach-ly-{tag}@example.vn";

        var notifications = system.Client(ResourceNames.Notifications);
        var hookUrl = $"http://localhost:9/cach-ly-{tag}";
        var subscription = await CreatedAsync(notifications, HttpMethod.Post, "/api/v1/webhooks/subscriptions", tokenA,
            new { url = hookUrl, procedures = new[] { "cach-ly-" + tag }, description = "Cách ly " + tag }, idempotent: true);
        var subscriptionId = subscription.GetProperty("id").GetGuid();
        secrets["subscription id"] = subscriptionId.ToString();
        secrets["subscription url"] = hookUrl;
        secrets["subscription secret"] = subscription.GetProperty("secret").GetString()!;
        await CreatedAsync(notifications, HttpMethod.Post, $"/api/v1/webhooks/subscriptions/{subscriptionId}/pause", tokenA, null);

        var intake = system.Client(ResourceNames.Intake);
        var pdf = Encoding.ASCII.GetBytes($"%PDF-1.4\n% cach-ly {tag}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(pdf);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "file", $"cach-ly-{tag}.pdf");
        form.Add(new StringContent("true"), "digitised");
        var document = await SendAsync(intake, new HttpRequestMessage(HttpMethod.Post, "/api/v1/documents") { Content = form }, tokenA, HttpStatusCode.Created);
        var documentId = document.GetProperty("id").GetGuid();
        secrets["document id"] = documentId.ToString();
        secrets["document sha256"] = document.GetProperty("sha256").GetString()!;

        var copy = await CreatedAsync(intake, HttpMethod.Post, "/api/v1/certified-copies", tokenA,
            new { documentId, ownerIdNumber = citizenId, officer = Officer });
        var copyId = copy.GetProperty("id").GetGuid();
        secrets["certified copy id"] = copyId.ToString();

        await Submissions.StoreResultAsync(system.Client(ResourceNames.Sandbox), citizenId); // what its dossiers reuse
        var components = Submissions.RequiredComponents;
        var documents = components.Select((c, i) => i == 0 ? (object)new { componentCode = c, documentId } : Submissions.Reused(c))
            .ToArray();
        var code = await SubmitAsync(intake, tokenA, Submissions.ProcedureCode, name, citizenId, secrets["applicant email"], documents);
        secrets["dossier code"] = code;

        var lifecycles = new Lifecycles(system);
        var sandbox = system.Client(ResourceNames.Sandbox);
        try
        {
            // The portal refuses this dossier's steps after the submission: PortalSync parks it as failed, with the reason.
            (await sandbox.PutAsJsonAsync("/sandbox/faults/portal", new { rejectCodes = new[] { code } })).EnsureSuccessStatusCode();
            await AcceptedAsync(system, code, tokenA);
            foreach (var action in new[] { "start-processing", "decide", "return-result" })
                await lifecycles.ActAsync(code, action, tokenA);
            await Eventually.Until(() => lifecycles.SyncStatusAsync(admin),
                s => s.GetProperty("failures").EnumerateArray().Any(f => f.GetProperty("code").GetString() == code),
                TimeSpan.FromSeconds(60), "the portal's rejection of A's dossier in the sync status");
        }
        finally
        {
            (await sandbox.PutAsJsonAsync("/sandbox/faults/portal", new { })).EnsureSuccessStatusCode();
        }

        var processing = system.Client(ResourceNames.Processing);
        var link = await SendAsync(processing, new HttpRequestMessage(HttpMethod.Get, $"/api/v1/dossiers/{code}/rating-link"), tokenA, HttpStatusCode.OK);
        var linkUrl = link.GetProperty("url").GetString()!;
        var token = System.Web.HttpUtility.ParseQueryString(new Uri(new Uri("http://x"), linkUrl).Query)["token"];
        if (!string.IsNullOrEmpty(token)) secrets["rating link token"] = token;

        var feedbackText = $"Góp ý cách ly {tag}";
        var feedback = await SendAsync(processing, new HttpRequestMessage(HttpMethod.Post, "/api/v1/feedback")
        {
            Content = JsonContent.Create(new { category = "procedure", content = feedbackText, dossierCode = code }),
        }, tokenA, HttpStatusCode.OK);
        var feedbackId = feedback.GetProperty("id").GetGuid();
        secrets["feedback id"] = feedbackId.ToString();
        secrets["feedback content"] = feedbackText;

        // A dossier waiting for its fee: Payment holds a pending request with its own id and link.
        var paymentDossier = await SubmitAsync(intake, tokenA, FeeBearingProcedure, name, citizenId, secrets["applicant email"],
            await RequiredDocumentsAsync(intake, FeeBearingProcedure));
        secrets["payment dossier code"] = paymentDossier;
        await AcceptedAsync(system, paymentDossier, tokenA);
        await lifecycles.ActAsync(paymentDossier, "start-processing", tokenA);
        await lifecycles.ActAsync(paymentDossier, "request-payment", tokenA);
        var payment = system.Client(ResourceNames.Payment);
        var payments = await Eventually.Until(async () =>
            {
                using var r = await payment.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/dossiers/{paymentDossier}/payments").WithToken(tokenA));
                return r.IsSuccessStatusCode ? await r.Content.ReadFromJsonAsync<JsonElement>() : default;
            }, p => p.ValueKind == JsonValueKind.Object && p.GetProperty("payments").GetArrayLength() > 0,
            TimeSpan.FromSeconds(60), "A's payment request");
        foreach (var (p, i) in payments.GetProperty("payments").EnumerateArray().Select((p, i) => (p, i)))
            foreach (var member in new[] { "id", "paymentId", "paymentUrl", "reference", "transactionId" })
                if (p.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: >= 8 } text)
                    secrets[$"payment {i} {member}"] = text;

        return new AgencyData(AgencyA, code, paymentDossier, citizenId, documentId, feedbackId, subscriptionId, copyId, secrets);
    }

    /// <summary>Puts A's dossier back in sync once the matrix is done (the portal's fault is off), as other tests expect.</summary>
    public static async Task ResyncAsync(SystemFixture system, AgencyData a, string admin)
    {
        using var retry = await system.Client(ResourceNames.PortalSync).SendAsync(
            new HttpRequestMessage(HttpMethod.Post, $"/api/v1/sync/dossiers/{a.DossierCode}/retry").WithToken(admin));
        // 409 when it is no longer parked (someone else retried it: the matrix reports that, the cleanup must not hide it).
        Assert.True(retry.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.Conflict, $"retrying A's dossier: {(int)retry.StatusCode}");
        using var removed = await system.Client(ResourceNames.Notifications).SendAsync(
            new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/webhooks/subscriptions/{a.SubscriptionId}").WithToken(admin));
        Assert.True(removed.IsSuccessStatusCode, $"deleting A's subscription: {(int)removed.StatusCode}");
    }

    private static async Task<object[]> RequiredDocumentsAsync(HttpClient intake, string procedure)
    {
        var p = await intake.GetFromJsonAsync<JsonElement>($"/api/v1/procedures/{procedure}");
        return p.GetProperty("current").GetProperty("documents").EnumerateArray().Where(d => d.GetProperty("required").GetBoolean())
            .Select(d => Submissions.Reused(d.GetProperty("code").GetString()))
            .ToArray();
    }

    private static async Task<string> SubmitAsync(HttpClient intake, string token, string procedure, string name, string citizenId, string email,
        object[] documents)
    {
        var body = new
        {
            procedureCode = procedure, receivingUnit = AgencyA, channel = 2,
            applicant = new { kind = "citizen", name, citizenId, phone = "0912345678", email, vneidLevel2 = true },
            summary = "Hồ sơ kiểm tra cách ly", documents,
        };
        var created = await SendAsync(intake, Submissions.Post(AgencyA, null, body: body), token, HttpStatusCode.Created);
        return created.GetProperty("dossierCode").GetString()!;
    }

    /// <summary>Accepts the dossier once Processing has it (it learns of it from DossierSubmitted: 409 not-yet-recorded until then).</summary>
    private static Task AcceptedAsync(SystemFixture system, string code, string token)
        => Eventually.Until(async () =>
        {
            using var r = await system.Client(ResourceNames.Processing).SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/actions/accept")
            {
                Content = JsonContent.Create(new { officer = Officer, content = "Tiếp nhận" }),
            }.WithToken(token));
            Assert.True(r.StatusCode is HttpStatusCode.OK || ProcessingAnswer.NotYetRecorded(r), $"accept {code}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
            return r.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(60), "Processing to record and accept A's dossier");

    private static Task<JsonElement> CreatedAsync(HttpClient client, HttpMethod method, string path, string token, object? body, bool idempotent = false)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (idempotent) request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return SendAsync(client, request, token, null);
    }

    private static async Task<JsonElement> SendAsync(HttpClient client, HttpRequestMessage request, string token, HttpStatusCode? expected)
    {
        using (request)
        {
            using var response = await client.SendAsync(request.WithToken(token));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(expected is { } e ? response.StatusCode == e : response.IsSuccessStatusCode,
                $"seeding {request.Method} {request.RequestUri}: {(int)response.StatusCode} {text}");
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
    }
}
