using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

[Collection(SystemCollection.Name)]
public sealed class AuditTrailTests(SystemFixture system)
{
    [Fact]
    public async Task Every_write_and_personal_data_read_is_on_record_with_who_and_why()
    {
        var sandbox = system.Client(ResourceNames.Sandbox);
        var intake = system.Client(ResourceNames.Intake);
        var clerk = await Tokens.ForClientAsync(sandbox, "phuong-sai-gon");
        var auditor = await Tokens.ForClientAsync(sandbox, "city-auditor");

        using var created = await intake.SendAsync(Submissions.Post("26740.H29", clerk));
        var code = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dossierCode").GetString()!;
        var read = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/dossiers/{code}").WithToken(clerk);
        read.Headers.Add("X-Audit-Reason", Uri.EscapeDataString("kiểm tra hồ sơ theo yêu cầu công dân"));
        using var readResponse = await intake.SendAsync(read);
        Assert.Equal(HttpStatusCode.OK, readResponse.StatusCode);

        using var forbidden = await intake.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/audit?resource={code}").WithToken(clerk));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        using var trail = await intake.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/audit?resource={code}").WithToken(auditor));
        Assert.Equal(HttpStatusCode.OK, trail.StatusCode);
        var entries = (await trail.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("entries").EnumerateArray().ToList();
        var submit = Assert.Single(entries, e => e.GetProperty("action").GetString() == "dossier.submit");
        var reading = Assert.Single(entries, e => e.GetProperty("action").GetString() == "dossier.read");
        Assert.Equal("phuong-sai-gon", submit.GetProperty("clientId").GetString());
        Assert.Equal("26740.H29", reading.GetProperty("agency").GetString());
        Assert.True(reading.GetProperty("personalData").GetBoolean());
        Assert.Equal("kiểm tra hồ sơ theo yêu cầu công dân", reading.GetProperty("reason").GetString());
        Assert.False(string.IsNullOrEmpty(reading.GetProperty("traceId").GetString()));

        // The service's chainer seals both entries into the hash chain shortly after their commits.
        var sealedTrail = await Eventually.Until(
            async () => (await (await intake.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/audit?resource={code}").WithToken(auditor)))
                .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("entries").EnumerateArray().ToList(),
            es => es.Count == 2 && es.All(e => e.GetProperty("hash").ValueKind == JsonValueKind.String),
            TimeSpan.FromSeconds(30), "the dossier's audit entries sealed into the chain");
        Assert.All(sealedTrail, e => Assert.Matches("^[0-9a-f]{64}$", e.GetProperty("hash").GetString()));
        Assert.True(sealedTrail[0].GetProperty("seq").GetInt64() > sealedTrail[1].GetProperty("seq").GetInt64());

        using var verify = await intake.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/audit/verify").WithToken(auditor));
        Assert.True((await verify.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("intact").GetBoolean());
    }
}
