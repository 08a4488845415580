using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Procedures.Intake.Dossiers;
using Procedures.Sandbox.Faults;
using Procedures.Sandbox.Portal;

namespace Procedures.Services.Tests.Digitisation;

/// <summary>
/// Checked reuse from the citizen store (issue 21): Intake asks the portal's lookup for every <c>fromCitizenStore</c>
/// reference of the applicant; here the sandbox's own lookup answers over an in-memory handler, so both sides of the
/// format are exercised together.
/// </summary>
[Trait("Kind", "Pure")]
public sealed class CitizenStoreCheckTests
{
    private const string Owner = "079203001234";

    /// <summary>Routes Intake's client to <see cref="CitizenStoreEndpoints.Lookup"/> (or to a fixed failure) and counts the calls.</summary>
    private sealed class SandboxLookup(CitizenDataStore store, PortalFaults faults, Exception? failure = null) : HttpMessageHandler
    {
        public List<string> Queries { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (failure is not null) throw failure;
            Assert.Equal("/portal/citizen-store/lookup", request.RequestUri!.AbsolutePath);
            var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri.Query);
            Queries.Add($"{query["SoGiayToChuHoSo"]}/{query["MaGiayToKetQua"]}");
            var (status, answer) = CitizenStoreEndpoints.Lookup(query["SoGiayToChuHoSo"], query["MaGiayToKetQua"], store, faults);
            return Task.FromResult(new HttpResponseMessage((HttpStatusCode)status)
            {
                Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(answer), Encoding.UTF8, "application/json"),
            });
        }
    }

    private static CitizenDataStore StoreHolding(string owner, string resultCode)
    {
        var store = new CitizenDataStore();
        store.TryAdd("k-" + owner + resultCode, new JsonObject
        {
            ["MaHoSo"] = "26740.H29-250101-0001", ["SoGiayToChuHoSo"] = owner, ["MaGiayToKetQua"] = resultCode,
            ["TenGiayTo"] = "Giấy xác nhận", ["NgayCap"] = "20250101080000",
        });
        return store;
    }

    private static CitizenStoreClient Client(HttpMessageHandler handler) => new(new HttpClient(handler) { BaseAddress = new Uri("http://portal.test") });

    private static DocumentReference Store(string reference) => new("TP01", null, reference, true);

    [Fact]
    public async Task Only_results_in_the_applicants_own_store_pass_each_refusal_naming_its_entry()
    {
        var portal = new SandboxLookup(StoreHolding(Owner, "KQ-1"), new PortalFaults());
        IReadOnlyList<DocumentReference> documents =
        [
            Store("KQ-1"), new DocumentReference("TP02", Guid.NewGuid(), null, false), Store("EXT-ANY-THING-123"), Store("KQ-1"),
            new DocumentReference("TP05", null, "KQ-NOT-FROM-STORE", false),
        ];
        var errors = await CitizenStoreCheck.CheckAsync(Client(portal), Owner, documents, CancellationToken.None);
        var refused = Assert.Single(errors!);
        Assert.Equal(("documents[2].reusedFrom", "not-in-citizen-store"), (refused.Field, refused.Rule));
        Assert.Equal([$"{Owner}/KQ-1", $"{Owner}/EXT-ANY-THING-123"], portal.Queries); // one question per reference; the rest is Intake's own check

        // The same result claimed by someone else is answered like an unknown one.
        var other = await CitizenStoreCheck.CheckAsync(Client(portal), "079203009999", [Store("KQ-1")], CancellationToken.None);
        Assert.Equal("documents[0].reusedFrom", Assert.Single(other!).Field);
        // An applicant without an ID number has no store: refused without asking.
        var anonymous = await CitizenStoreCheck.CheckAsync(Client(portal), "", [Store("KQ-1")], CancellationToken.None);
        Assert.Equal("not-in-citizen-store", Assert.Single(anonymous!).Rule);
        Assert.Equal(3, portal.Queries.Count);
    }

    [Fact]
    public async Task A_store_that_cannot_answer_is_no_verdict_the_submission_is_not_accepted_unchecked()
    {
        var down = new SandboxLookup(StoreHolding(Owner, "KQ-1"), new PortalFaults { CitizenStoreLookupDown = true });
        Assert.Null(await CitizenStoreCheck.CheckAsync(Client(down), Owner, [Store("KQ-1")], CancellationToken.None));
        var refused = new SandboxLookup(new CitizenDataStore(), new PortalFaults(), new HttpRequestException("connection refused"));
        Assert.Null(await CitizenStoreCheck.CheckAsync(Client(refused), Owner, [Store("KQ-1")], CancellationToken.None));
        // Nothing from the store: nothing to ask, whatever the portal's state.
        Assert.Empty((await CitizenStoreCheck.CheckAsync(Client(refused), Owner, [new DocumentReference("TP01", null, "KQ-1", false)], CancellationToken.None))!);
    }

    [Fact]
    public void The_sandbox_lookup_answers_in_the_portals_format()
    {
        var store = StoreHolding(Owner, "KQ-1");
        var (status, found) = CitizenStoreEndpoints.Lookup(Owner, "KQ-1", store, new PortalFaults());
        Assert.Equal((200, "0", "KQ-1"), (status, found.ErrorCode, found.Data!["MaGiayToKetQua"]!.ToString()));
        Assert.Null(found.Data["IdempotencyKey"]);
        Assert.Equal((200, "3"), Tuple(CitizenStoreEndpoints.Lookup("079203009999", "KQ-1", store, new PortalFaults())));
        Assert.Equal((200, "1"), Tuple(CitizenStoreEndpoints.Lookup(Owner, null, store, new PortalFaults())));
        Assert.Equal((503, "503"), Tuple(CitizenStoreEndpoints.Lookup(Owner, "KQ-1", store, new PortalFaults { CitizenStoreLookupDown = true })));
        // The sync faults are not the lookup's: a portal whose dossier interface is down still answers lookups.
        Assert.Equal((200, "0"), Tuple(CitizenStoreEndpoints.Lookup(Owner, "KQ-1", store, new PortalFaults { Down = true, ErrorRate = 1 })));
    }

    private static (int, string) Tuple((int Status, LookupAnswer Answer) r) => (r.Status, r.Answer.ErrorCode);
}
