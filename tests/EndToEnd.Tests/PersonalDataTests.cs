using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

[Collection(SystemCollection.Name)]
public sealed class PersonalDataTests(SystemFixture system)
{
    [Fact]
    public async Task Logs_of_every_resource_never_carry_a_citizen_id_or_phone_in_clear()
    {
        // A distinctive ID and phone, driven through submit, read, relay, every consumer and the portal sync.
        const string citizenId = "079187654321";
        const string phone = "0987654321";
        var token = await Tokens.ForClientAsync(system.Client(ResourceNames.Sandbox), "phuong-sai-gon");
        var intake = system.Client(ResourceNames.Intake);
        var body = new
        {
            procedureCode = Submissions.ProcedureCode, receivingUnit = "26740.H29", channel = 2,
            applicant = new { kind = "citizen", name = "Phạm Văn D", citizenId, phone },
            documents = Submissions.CompleteDocuments(),
        };
        using var created = await intake.SendAsync(Submissions.Post("26740.H29", token, body: body));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var code = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dossierCode").GetString()!;
        using var read = await intake.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/dossiers/{code}").WithToken(token));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        // Invalid input echoes nothing back into the logs either.
        using var refused = await intake.SendAsync(Submissions.Post("26740.H29", token, body: new
        {
            procedureCode = Submissions.ProcedureCode, receivingUnit = "26740.H29", channel = 9,
            applicant = new { kind = "citizen", name = "Phạm Văn D", citizenId, phone },
        }));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        var sandbox = system.Client(ResourceNames.Sandbox);
        await Eventually.Until(async () => (await sandbox.GetAsync($"/portal/dossiers/{code}")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(60), "the dossier to reach the portal");

        // The scan must see the services' own output, not only the AppHost's (else it would pass on nothing).
        foreach (var service in new[] { ResourceNames.Intake, ResourceNames.Processing, ResourceNames.PortalSync })
            Assert.Contains(system.Logs, line => line.Contains($"Resources.{service}:", StringComparison.Ordinal));
        Assert.DoesNotContain(system.Logs, line => line.Contains(citizenId, StringComparison.Ordinal));
        Assert.DoesNotContain(system.Logs, line => line.Contains(phone, StringComparison.Ordinal));
    }
}
