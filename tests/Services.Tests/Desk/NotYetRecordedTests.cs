using System.Net;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.Processing.Dossiers;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Desk;

/// <summary>Which misses are "not recorded yet, retry": decided from the code alone, so nothing leaks to another agency.</summary>
public sealed class NotYetRecordedRuleTests
{
    // 00:30 on Tuesday 8 Dec 2026 in Vietnam (still Monday 7 Dec in UTC).
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-07T17:30:00Z");

    [Theory]
    [InlineData("26740.H29-261208-0001", "26740.H29", false, true)]  // own unit, issued today (Vietnam date)
    [InlineData("26740.H29-261207-0042", "26740.H29", false, true)]  // own unit, issued yesterday: a code from just before midnight
    [InlineData("26740.H29-261206-0001", "26740.H29", false, false)] // older: unknown
    [InlineData("26740.H29-261209-0001", "26740.H29", false, false)] // a future date was never issued
    [InlineData("26737.H29-261208-0001", "26740.H29", false, false)] // another agency's code stays unknown
    [InlineData("26737.H29-261208-0001", null, true, true)]          // an operator who sees every agency
    [InlineData("26740.H29-261308-0001", "26740.H29", false, false)] // malformed date
    [InlineData("26740.H29-261208-0000", "26740.H29", false, false)] // malformed sequence
    [InlineData("not-a-code", "26740.H29", false, false)]
    public void Only_a_well_formed_recent_code_of_the_callers_own_unit_may_be_in_flight(string code, string? agency, bool all, bool expected)
        => Assert.Equal(expected, NotYetRecorded.Applies(code, agency, all, Now));

    [Fact]
    public void The_code_names_its_unit_and_its_issue_date()
    {
        Assert.True(DossierCode.TryParse("38.98.H29-210519-0003", out var code));
        Assert.Equal(("38.98.H29", new DateOnly(2021, 5, 19)), (code.Value.ReceivingUnit, code.Value.IssuedOn));
    }
}

/// <summary>An action at once after Intake issued the code: 409 not-yet-recorded with Retry-After, then the action succeeds.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class NotYetRecordedTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private static readonly DateTimeOffset Monday = DateTimeOffset.Parse("2026-12-07T09:00:00+07:00");
    private ProcessingHost _host = null!;

    public async Task InitializeAsync() => _host = await ProcessingHost.StartAsync(infra, Monday);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_action_on_an_own_code_still_in_flight_is_retryable_and_a_foreign_or_old_code_stays_unknown()
    {
        var inFlight = $"{ProcessingHost.Desk}-261207-0777";
        using (var early = await _host.ActAsync(inFlight, "accept"))
        {
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(NotYetRecorded.RetryAfterSeconds), early.Headers.RetryAfter?.Delta);
            var problem = JsonDocument.Parse(await early.Content.ReadAsStringAsync()).RootElement;
            Assert.EndsWith(NotYetRecorded.ProblemType, problem.GetProperty("type").GetString());
        }
        // Nothing was written for the miss: the answer is a read-only refusal.
        Assert.Equal(0, await _host.ScalarAsync<long>("SELECT count(*) FROM audit.entries WHERE resource = @inFlight", new { inFlight }));

        // Another agency naming the same code, and the own agency naming an old code, hear "unknown" as before.
        using (var foreign = await _host.ActAsync(inFlight, "accept", agency: ProcessingHost.OtherDesk))
        {
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
            Assert.Null(foreign.Headers.RetryAfter);
        }
        using (var old = await _host.ActAsync($"{ProcessingHost.Desk}-261201-0777", "accept"))
            Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
        using (var apology = await _host.Http.SendAsync(_host.As(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{inFlight}/apology")
               {
                   Content = System.Net.Http.Json.JsonContent.Create(new
                   {
                       officer = "Trần Văn Bình", reason = "Cần xác minh", signedBy = "Lê Thị Cúc", newAppointmentAt = Monday.AddDays(10),
                   }),
               })))
            Assert.Equal(HttpStatusCode.Conflict, apology.StatusCode);

        // Once the submission is recorded, the same request succeeds.
        var code = await _host.SubmitAsync();
        Assert.Equal(2, (await _host.ActOkAsync(code, "accept")).GetProperty("status").GetInt32());
    }
}
