using Procedures.Contracts;
using Procedures.Services.Tests.Desk;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Feedback;

/// <summary>Dossier ratings on real Postgres with injected time: once per returned dossier, never before; the signed link.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class DossierRatingTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private static readonly DateTimeOffset Monday = DateTimeOffset.Parse("2026-12-07T09:00:00+07:00");
    private ProcessingHost _host = null!;

    public async Task InitializeAsync() => _host = await ProcessingHost.StartAsync(infra, Monday);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static object Dissatisfied => new { level = "dissatisfied", reasons = new[] { "late" } };

    [Fact]
    public async Task A_dossier_is_rated_once_and_only_after_its_result_is_returned()
    {
        var code = await _host.ReturnedAsync();
        var (status, early) = await (await _host.PostAsync($"/api/v1/dossiers/{code}/rating", Dissatisfied)).ReadAsync();
        Assert.Equal((409, "not-returned"), (status, early.Slug()));
        Assert.Equal(9, early.GetProperty("currentStatus").GetInt32());

        var returned = await _host.ActOkAsync(code, "return-result");
        Assert.Contains($"/api/v1/public/dossiers/{code}/rating?token=", returned.GetProperty("ratingLink").GetString());
        var (ok, body) = await (await _host.PostAsync($"/api/v1/dossiers/{code}/rating", Dissatisfied)).ReadAsync();
        Assert.True(ok == 200, body.ToString());
        var (again, second) = await (await _host.PostAsync($"/api/v1/dossiers/{code}/rating", new { level = "satisfied" })).ReadAsync();
        Assert.Equal((409, "already-rated"), (again, second.Slug()));

        var rated = Assert.Single(await _host.PublishedAsync<DossierRated>(e => e.DossierCode == code));
        Assert.Equal((ProcessingHost.Desk, ProcessingHost.Desk, "1.003677"), (rated.ReceivingUnit, rated.DecidingAgency, rated.ProcedureCode));
        Assert.Equal(("dissatisfied", false, "agency"), (rated.Level, rated.Satisfied, rated.Channel));
        Assert.Equal(["late"], rated.Reasons);
        Assert.Equal(Monday, rated.RatedAt);
    }

    [Fact]
    public async Task The_return_announces_its_rating_link_in_an_event_committed_with_it_and_nothing_else_does()
    {
        var code = await _host.ReturnedAsync(); // decided, not yet returned
        Assert.Empty(await _host.PublishedAsync<DossierRatingLinkIssued>(e => e.DossierCode == code));

        var returned = await _host.ActOkAsync(code, "return-result");

        var issued = Assert.Single(await _host.PublishedAsync<DossierRatingLinkIssued>(e => e.DossierCode == code));
        Assert.Equal(returned.GetProperty("ratingLink").GetString(), issued.Url);
        Assert.Equal(returned.GetProperty("sequence").GetInt64(), issued.Sequence);
        Assert.Equal((ProcessingHost.Desk, ProcessingHost.Desk, "1.003677"), (issued.ReceivingUnit, issued.DecidingAgency, issued.ProcedureCode));
        Assert.Equal(Monday, issued.IssuedAt);
        Assert.True(issued.ExpiresAt > issued.IssuedAt);
        // A refused second return changes nothing, so it announces nothing either.
        using var again = await _host.ActAsync(code, "return-result");
        Assert.Equal(409, (int)again.StatusCode);
        Assert.Single(await _host.PublishedAsync<DossierRatingLinkIssued>(e => e.DossierCode == code));
    }

    [Fact]
    public async Task Another_agency_cannot_rate_and_bad_ratings_are_problems_naming_field_and_rule()
    {
        var code = await _host.ReturnedAsync();
        await _host.ActOkAsync(code, "return-result");
        var (other, _) = await (await _host.PostAsync($"/api/v1/dossiers/{code}/rating", Dissatisfied, ProcessingHost.OtherDesk)).ReadAsync();
        Assert.Equal(404, other);
        var (bad, problem) = await (await _host.PostAsync($"/api/v1/dossiers/{code}/rating", new { level = "dissatisfied" })).ReadAsync();
        Assert.Equal(400, bad);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal(("reasons", "required-when-dissatisfied"), (error.GetProperty("field").GetString(), error.GetProperty("rule").GetString()));
        Assert.False(string.IsNullOrEmpty(error.GetProperty("vi").GetString()));
        Assert.Empty(await _host.PublishedAsync<DossierRated>(e => e.DossierCode == code));
    }

    [Fact]
    public async Task The_signed_link_rates_without_an_account_once_and_a_tampered_other_or_expired_link_is_refused()
    {
        var code = await _host.ReturnedAsync();
        var link = (await _host.ActOkAsync(code, "return-result")).GetProperty("ratingLink").GetString()!;
        var (linkStatus, fetched) = await (await _host.GetAsync($"/api/v1/dossiers/{code}/rating-link")).ReadAsync();
        Assert.Equal((200, link), (linkStatus, fetched.GetProperty("url").GetString()));
        var token = link.Split("token=")[1];

        var tampered = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');
        Assert.Equal((403, "link-invalid"), await RefusalAsync(code, tampered));
        var otherCode = await _host.ReturnedAsync();
        await _host.ActOkAsync(otherCode, "return-result");
        Assert.Equal((403, "link-invalid"), await RefusalAsync(otherCode, token));
        Assert.Equal((403, "link-invalid"), await RefusalAsync(code, null));

        _host.Time.Now = Monday.AddDays(30).AddSeconds(1);
        Assert.Equal((403, "link-expired"), await RefusalAsync(code, token));
        Assert.Empty(await _host.PublishedAsync<DossierRated>(e => e.DossierCode == code));

        _host.Time.Now = Monday.AddDays(29);
        var (ok, body) = await (await _host.PostAsync(link, new { level = "very-satisfied" }, agency: null)).ReadAsync();
        Assert.True(ok == 200, body.ToString());
        Assert.Equal(409, (await (await _host.PostAsync(link, new { level = "satisfied" }, agency: null)).ReadAsync()).Status);
        var rated = Assert.Single(await _host.PublishedAsync<DossierRated>(e => e.DossierCode == code));
        Assert.Equal(("very-satisfied", true, "link"), (rated.Level, rated.Satisfied, rated.Channel));
    }

    private async Task<(int, string)> RefusalAsync(string code, string? token)
    {
        var (status, problem) = await (await _host.PostAsync($"/api/v1/public/dossiers/{code}/rating?token={token}",
            new { level = "satisfied" }, agency: null)).ReadAsync();
        return (status, problem.Slug());
    }
}
