using Aspire.Hosting;
using Aspire.Hosting.Testing;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;

namespace Procedures.EndToEnd.Tests;

[Collection(SystemCollection.Name)]
public sealed class IdempotencyTests(SystemFixture system)
{
    private HttpClient Intake => system.Client(ResourceNames.Intake);

    private Task<string> TokenAsync() => Tokens.ForClientAsync(system.Client(ResourceNames.Sandbox), "phuong-sai-gon");

    [Fact]
    public async Task Same_key_and_body_replays_the_first_answer()
    {
        var token = await TokenAsync();
        var key = Guid.NewGuid().ToString();
        using var first = await Intake.SendAsync(Submissions.Post("26740.H29", token, key));
        using var second = await Intake.SendAsync(Submissions.Post("26740.H29", token, key));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var a = await first.Content.ReadFromJsonAsync<JsonElement>();
        var b = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(a.GetProperty("dossierCode").GetString(), b.GetProperty("dossierCode").GetString());
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
    }

    [Fact]
    public async Task A_submission_is_kept_with_its_event_and_message_id_so_a_consumer_that_lost_it_can_have_it_again()
    {
        using var created = await Intake.SendAsync(Submissions.Post("26740.H29", await TokenAsync(), Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var code = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dossierCode").GetString();

        // The id kept with the dossier is the one the event went out under (ResendSubmission sends it again under it).
        await using var intake = new Npgsql.NpgsqlConnection(await system.App.GetConnectionStringAsync(ResourceNames.Database(ResourceNames.Intake)));
        await intake.OpenAsync();
        await using var query = new Npgsql.NpgsqlCommand("""
            SELECT d.submitted_event_id = o.message_id AND d.submitted_event = o.body
            FROM dossiers d JOIN messaging.outbox o ON o.body->>'dossierCode' = d.code AND o.message_type LIKE '%DossierSubmitted%'
            WHERE d.code = $1
            """, intake) { Parameters = { new() { Value = code } } };
        Assert.Equal(true, await query.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Same_key_with_another_body_is_422()
    {
        var token = await TokenAsync();
        var key = Guid.NewGuid().ToString();
        using var first = await Intake.SendAsync(Submissions.Post("26740.H29", token, key));
        using var other = await Intake.SendAsync(Submissions.Post("26740.H29", token, key, Submissions.Body("26740.H29", name: "Người khác")));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        var problem = JsonDocument.Parse(await other.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("urn:procedures:problem:idempotency-key-reused", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_create_one_dossier_and_the_rest_are_409_or_replays()
    {
        var token = await TokenAsync();
        var key = Guid.NewGuid().ToString();
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Intake.SendAsync(Submissions.Post("26740.H29", token, key))));

        var codes = new HashSet<string>();
        foreach (var response in responses)
        {
            if (response.StatusCode == HttpStatusCode.Created)
                codes.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dossierCode").GetString()!);
            else
            {
                Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta); // when to ask again
            }
        }
        Assert.Single(codes);
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.Created && !r.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task A_refused_request_does_not_burn_the_key()
    {
        var token = await TokenAsync();
        var key = Guid.NewGuid().ToString();
        using var refused = await Intake.SendAsync(Submissions.Post("26740.H29", token, key, new { procedureCode = Submissions.ProcedureCode, channel = 2 }));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        // The key was never used for an effect, so a later corrected request may use it (different body, not 422).
        using var corrected = await Intake.SendAsync(Submissions.Post("26740.H29", token, key));
        Assert.Equal(HttpStatusCode.Created, corrected.StatusCode);
    }

    [Fact]
    public async Task Missing_key_is_a_problem_naming_the_header()
    {
        var request = Submissions.Post("26740.H29", await TokenAsync());
        request.Headers.Remove("Idempotency-Key");
        using var response = await Intake.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Idempotency-Key", await response.Content.ReadAsStringAsync());
    }
}
