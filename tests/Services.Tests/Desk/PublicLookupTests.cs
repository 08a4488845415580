using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.Processing.Dossiers;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Desk;

/// <summary>The citizen's public lookup: second factor, one 404 for every miss, no personal data, a small budget per address.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class PublicLookupTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private const int Budget = 8;
    private ProcessingHost _host = null!;

    public async Task InitializeAsync()
        => _host = await ProcessingHost.StartAsync(infra, DateTimeOffset.Parse("2026-12-07T09:00:00+07:00"), lookupsPerMinute: Budget);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_right_code_and_digits_show_status_and_steps_and_every_miss_answers_the_same_404_until_the_budget_is_spent()
    {
        var code = await _host.SubmitAsync(idNumber: "079203004321", applicant: "Phạm Thị Giang");
        await _host.ActOkAsync(code, "accept");

        // Anonymous: no token at all.
        using var found = await _host.Http.GetAsync($"/api/v1/public/dossiers/{code}?idLast4=4321");
        var text = await found.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(2, body.GetProperty("status").GetInt32());
        Assert.Equal([1, 2], body.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetInt32()));
        Assert.Equal(DateTimeOffset.Parse("2026-12-10T17:00:00+07:00"), body.GetProperty("appointmentAt").GetDateTimeOffset());
        Assert.DoesNotContain("Phạm Thị Giang", text);
        Assert.DoesNotContain("079203004321", text);
        Assert.DoesNotContain("Nguyễn Thị Hoa", text); // officers' names and notes stay internal

        var misses = new[]
        {
            $"/api/v1/public/dossiers/{code}?idLast4=4320",
            $"/api/v1/public/dossiers/{code}?idLast4=432",
            $"/api/v1/public/dossiers/{code}",
            $"/api/v1/public/dossiers/{code[..^1]}{(code[^1] == '9' ? '8' : '9')}?idLast4=4321", // another code (the counter may end in 9)
            "/api/v1/public/dossiers/26740.H29-261207-9999?idLast4=4321",
        };
        var bodies = new List<string>();
        foreach (var miss in misses)
        {
            using var response = await _host.Http.GetAsync(miss);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            // Everything but the per-request trace id must be identical.
            var problem = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            problem.Remove("traceId");
            bodies.Add(problem.ToJsonString());
        }
        Assert.Single(bodies.Distinct());

        // 1 hit + 5 misses spent; the rest of the budget, then 429 even for the right answer.
        for (var i = 0; i < Budget - 6; i++)
            Assert.Equal(HttpStatusCode.NotFound, (await _host.Http.GetAsync($"/api/v1/public/dossiers/{code}?idLast4=000{i}")).StatusCode);
        using var limited = await _host.Http.GetAsync($"/api/v1/public/dossiers/{code}?idLast4=4321");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Contains("rate-limited", await limited.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_steps_give_the_reason_for_a_supplementation_or_completion_request_and_an_apology_is_one_line_of_its_own()
    {
        var code = await _host.SubmitAsync(idNumber: "079203005678");
        await _host.ActOkAsync(code, "accept", new { officer = "Nguyễn Thị Hoa", content = "Tiếp nhận, gọi chị Giang 0912345678" });
        await _host.ActOkAsync(code, "start-processing");
        await _host.ActOkAsync(code, "request-supplement", new { officer = "Nguyễn Thị Hoa", content = "Bổ sung bản sao giấy chứng sinh" });
        _host.Time.Now = _host.Time.Now.AddHours(2);
        await _host.ActOkAsync(code, "supplement-received");
        using (var apology = await _host.Http.SendAsync(_host.As(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/apology")
               {
                   Content = System.Net.Http.Json.JsonContent.Create(new
                   {
                       officer = "Trần Văn Bình", reason = "Cần xác minh với cơ quan khác", signedBy = "Lê Thị Cúc",
                       newAppointmentAt = DateTimeOffset.Parse("2026-12-18T10:00:00+07:00"),
                   }),
               })))
            Assert.Equal(HttpStatusCode.OK, apology.StatusCode);

        var steps = (await _host.Http.GetFromJsonAsync<JsonElement>($"/api/v1/public/dossiers/{code}?idLast4=5678")).GetProperty("history")
            .EnumerateArray().ToList();
        Assert.Equal([1, 2, 4, 5, 4, 4], steps.Select(h => h.GetProperty("status").GetInt32()));
        Assert.Equal([null, null, null, "Bổ sung bản sao giấy chứng sinh", null, "Cần xác minh với cơ quan khác"],
            steps.Select(h => h.GetProperty("reason").GetString()));
        // The apology reads as itself, once, with its new date; "Đang xử lý" is the title of the processing steps only.
        Assert.Equal(StepView.ApologyTitle, steps[5].GetProperty("title").GetString());
        Assert.Equal(DateTimeOffset.Parse("2026-12-18T10:00:00+07:00"), steps[5].GetProperty("newAppointmentAt").GetDateTimeOffset());
        Assert.Equal(2, steps.Count(h => h.GetProperty("title").GetString()!.StartsWith("Đang xử lý", StringComparison.Ordinal)));
        Assert.Equal(StatusNames.Of(DossierStatus.SupplementRequested), steps[3].GetProperty("title").GetString());

        var pending = await _host.SubmitAsync(idNumber: "079203005678");
        await _host.ActOkAsync(pending, "request-completion", new { officer = "Nguyễn Thị Hoa", content = "Nộp thêm tờ khai có chữ ký" });
        var asked = (await _host.Http.GetFromJsonAsync<JsonElement>($"/api/v1/public/dossiers/{pending}?idLast4=5678")).GetProperty("history")[1];
        Assert.Equal((1, StepView.CompletionTitle, "Nộp thêm tờ khai có chữ ký"),
            (asked.GetProperty("status").GetInt32(), asked.GetProperty("title").GetString(), asked.GetProperty("reason").GetString()));
        Assert.Equal(DateTimeOffset.Parse("2026-12-14T17:00:00+07:00"), asked.GetProperty("completeBy").GetDateTimeOffset());
    }

    [Fact]
    public void Only_a_hash_of_the_code_and_the_last_four_digits_is_kept()
    {
        var hash = Procedures.Processing.Dossiers.PublicLookup.Hash("X-1", "079203004321")!;
        Assert.Equal(64, hash.Length);
        Assert.DoesNotContain("4321", hash);
        Assert.Equal(hash, Procedures.Processing.Dossiers.PublicLookup.Hash("X-1", "4321"));
        Assert.NotEqual(hash, Procedures.Processing.Dossiers.PublicLookup.Hash("X-2", "4321"));
        Assert.Null(Procedures.Processing.Dossiers.PublicLookup.Hash("X-1", "12"));
    }
}
