using System.Net;
using System.Security.Cryptography;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;
using Procedures.ApiClients.Intake;
using Procedures.ApiClients.Intake.Models;
using Procedures.ApiClients.Processing;
using Procedures.ApiClients.Processing.Models;
using Procedures.ApiClients.Sandbox.Models;
using Procedures.Contracts;
using Procedures.EndToEnd.Tests.GeneratedClients;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// The API contract as an integrator meets it: only the Kiota clients generated from docs/openapi at build time drive a
/// fee-bearing dossier's whole life and the webhook subscription API, and every check reads their typed models. A document
/// that describes a request or an answer wrongly makes this fail to compile or to pass. No hand-written HTTP here.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed partial class GeneratedClientTests(SystemFixture system) : IAsyncLifetime
{
    /// <summary>Đăng ký thường trú: 20,000 VND in the seeded catalogue.</summary>
    private const string FeeBearingProcedure = "1.004222";
    // Phường Tân Định: the index checks of SatisfactionTests and DigitisationTests count Phường Sài Gòn's ratings and
    // uploads exactly, and Reporting may still be counting this test's when they start.
    private const string Agency = "26737.H29";
    private const string Clerk = "phuong-tan-dinh";

    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    private readonly Clients _clients = new(system);

    public Task InitializeAsync() => _receiver.StartAsync();

    public async Task DisposeAsync()
    {
        _clients.Dispose();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_fee_bearing_dossier_lives_its_whole_life_through_the_generated_clients()
    {
        var intake = _clients.Intake(Clerk);
        var processing = _clients.Processing(Clerk);
        var payments = _clients.Payment(Clerk);
        var citizen = _clients.Processing(null); // public lookup and the rating link: no account, no token
        var platform = _clients.Sandbox(null);   // the hosted pay page is the citizen's too

        // The catalogue is public.
        var procedure = (await _clients.Intake(null).Api.V1.Procedures[FeeBearingProcedure].GetAsync())!.Current!;
        Assert.True(procedure is { OpenForSubmission: true, FeeBearing: true }, $"{procedure.Code} open and fee-bearing");
        Assert.Equal(30000, procedure.Fees!.Sum(f => f.AmountVnd)); // 20,000 in person or by post, 10,000 online
        var required = procedure.Documents!.Where(d => d.Required == true).Select(d => d.Code!).ToList();
        Assert.NotEmpty(required);

        var upload = new MultipartBody();
        upload.AddOrReplacePart("file", "image/png", Png, "giay-to.png");
        upload.AddOrReplacePart("digitised", "text/plain", "true");
        var uploaded = (await intake.Api.V1.Documents.PostAsync(upload))!;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Png)), uploaded.Sha256);
        Assert.Equal(("image/png", true, Png.Length), (uploaded.MediaType, uploaded.Digitised, uploaded.Size));

        // The first required component is the upload, the others are reused results.
        var submission = new SubmitRequest
        {
            ProcedureCode = FeeBearingProcedure, ReceivingUnit = Agency, Channel = 2, Summary = "Đăng ký thường trú",
            Applicant = new Applicant { Kind = "citizen", Name = "Nguyễn Văn A", CitizenId = "079203001234", Phone = "0912345678", VneidLevel2 = true },
            Documents = required.Select((c, i) => i == 0
                ? new DocumentReference { ComponentCode = c, DocumentId = uploaded.Id }
                : new DocumentReference { ComponentCode = c, ReusedFrom = Submissions.StoredResult, FromCitizenStore = true }).ToList(),
        };
        var key = Guid.NewGuid().ToString();
        var (first, firstStatus, firstReplayed) = await SubmitAsync(intake, submission, key);
        var (replay, replayStatus, replayed) = await SubmitAsync(intake, submission, key);
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (firstStatus, replayStatus));
        Assert.Equal(((int)DossierStatus.Submitted, (string?)null, "true"), (first.Status, firstReplayed, replayed));
        Assert.Equal((first.DossierCode, first.SubmittedAt), (replay.DossierCode, replay.SubmittedAt));
        var code = first.DossierCode!;
        Assert.StartsWith(Agency + "-", code, StringComparison.Ordinal);

        // Processing learns of the dossier from DossierSubmitted: 409 not-yet-recorded until then (a fresh dossier has no
        // other conflict on accept).
        var accepted = await Eventually.Until(async () =>
        {
            try { return await ActAsync(processing, code, "accept"); }
            catch (ApiException e) when (e.ResponseStatusCode == 409) { return null; }
        }, a => a is not null, TimeSpan.FromSeconds(60), "Processing to record the submission and accept it");
        Assert.Equal((int)DossierStatus.Received, accepted!.Status);
        Assert.Equal((int)DossierStatus.InProcessing, (await ActAsync(processing, code, "start-processing")).Status);
        Assert.Equal((int)DossierStatus.AwaitingPayment, (await ActAsync(processing, code, "request-payment")).Status);

        // Payment asks the platform for a transaction: its hosted page is the pay URL.
        var pending = await Eventually.Until(async () =>
        {
            try { return await payments.Api.V1.Dossiers[code].Payments.GetAsync(); }
            catch (ApiException e) when (e.ResponseStatusCode == 404) { return null; }
        }, p => p?.Payments is [{ State: "pending", PaymentUrl: not null }], TimeSpan.FromSeconds(60), "the payment request with its pay URL");
        Assert.Equal((code, 10000L), (pending!.DossierCode, pending.TotalVnd)); // submitted online
        var payUrl = new Uri(pending.Payments![0].PaymentUrl!);
        Assert.Matches("^/payment-platform/pay/[^/]+$", payUrl.AbsolutePath);
        var pay = platform.PaymentPlatform.Pay[payUrl.Segments[^1]];
        using (var page = new StreamReader((await pay.GetAsync())!))
            Assert.Contains("10,000 VND", await page.ReadToEndAsync());
        var paid = new ExchangeOption();
        using (var result = new StreamReader((await pay.PostAsync(new PaymentChoice { Outcome = "pay" }, c => c.Options.Add(paid)))!))
            Assert.Contains("succeeded", await result.ReadToEndAsync());
        Assert.Equal(HttpStatusCode.OK, paid.Status);

        var done = await Eventually.Until(() => payments.Api.V1.Dossiers[code].Payments.GetAsync(),
            p => p?.Payments is [{ State: "succeeded", Receipt: not null }], TimeSpan.FromSeconds(60), "the payment to succeed with its receipt");
        Assert.Equal((int?)PaidOnlineChannel.NationalPortal, done!.Payments![0].PaidOnline);
        // PaymentSucceeded moves the dossier from 6 back to 4.
        await Eventually.Until(async () => (await LookupAsync(citizen, code)).Status, s => s == (int)DossierStatus.InProcessing,
            TimeSpan.FromSeconds(60), "Processing to move the dossier back to processing (6 → 4)");

        var decided = await ActAsync(processing, code, "decide", new ActionsRequest
        {
            Results = [new ActionsResultInput { Name = "Xác nhận đăng ký thường trú", ElectronicResultCode = "KQ-" + code, FileReference = "ket-qua/" + code + ".pdf" }],
        });
        Assert.Equal((int)DossierStatus.Decided, decided.Status);
        var returned = await ActAsync(processing, code, "return-result", new ActionsRequest { ReturnChannel = (int)SubmissionChannel.Online });
        Assert.Equal((int)DossierStatus.Returned, returned.Status);

        // The citizen, with no token: the lookup (second factor: the last 4 digits of the ID) and the signed rating link.
        var lookup = new ExchangeOption();
        var found = await LookupAsync(citizen, code, lookup);
        Assert.False(lookup.SentAuthorization);
        Assert.Equal((code, (int)DossierStatus.Returned), (found.Code, found.Status));
        Assert.Equal([1, 2, 4, 6, 4, 9, 10], found.History!.Select(h => h.Status ?? 0));
        var link = new Uri(new Uri("http://link/"), (await processing.Api.V1.Dossiers[code].RatingLink.GetAsync())!.Url!);
        Assert.Equal($"/api/v1/public/dossiers/{code}/rating", link.AbsolutePath);
        var rated = new ExchangeOption();
        var rating = (await citizen.Api.V1.Public.Dossiers[code].Rating.PostAsync(new RatingRequest { Level = "very-satisfied", Reasons = [] }, c =>
        {
            c.QueryParameters.Token = System.Web.HttpUtility.ParseQueryString(link.Query)["token"];
            c.Options.Add(rated);
        }))!;
        Assert.False(rated.SentAuthorization);
        Assert.Equal((code, "very-satisfied", true, "link"), (rating.DossierCode, rating.Level, rating.Satisfied, rating.Channel));
    }

    /// <summary>A creating POST with its Idempotency-Key; the status and the Idempotent-Replayed header come from Kiota's options.</summary>
    private static async Task<(SubmitResponse Answer, HttpStatusCode? Status, string? Replayed)> SubmitAsync(IntakeClient intake, SubmitRequest body, string key)
    {
        var headers = new HeadersInspectionHandlerOption { InspectResponseHeaders = true };
        var exchange = new ExchangeOption();
        var answer = await intake.Api.V1.Dossiers.PostAsync(body, c =>
        {
            c.Headers.Add("Idempotency-Key", key);
            c.Options.Add(headers);
            c.Options.Add(exchange);
        });
        return (answer!, exchange.Status, headers.ResponseHeaders.TryGetValue("Idempotent-Replayed", out var values) ? string.Join(",", values) : null);
    }

    private static async Task<ActionsResponse> ActAsync(ProcessingClient processing, string code, string action, ActionsRequest? details = null)
    {
        var request = details ?? new ActionsRequest();
        (request.Officer, request.Role, request.Department, request.Content) = ("Nguyễn Thị Hoa", "Chuyên viên", "Một cửa", $"Thao tác {action}");
        return (await processing.Api.V1.Dossiers[code].Actions[action].PostAsync(request))!;
    }

    private static async Task<PublicLookupResponse> LookupAsync(ProcessingClient citizen, string code, ExchangeOption? exchange = null)
        => (await citizen.Api.V1.Public.Dossiers[code].GetAsync(c =>
        {
            c.QueryParameters.IdLast4 = "1234";
            if (exchange is not null) c.Options.Add(exchange);
        }))!;
}
