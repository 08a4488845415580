using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;

namespace Procedures.EndToEnd.Tests;

[Collection(SystemCollection.Name)]
public sealed class ConcurrentSubmissionTests(SystemFixture system)
{
    [Fact]
    public async Task A_thousand_concurrent_submissions_at_one_desk_get_distinct_gap_free_codes()
    {
        // Phường Bến Thành's desk is used by no other test, so its sequence for today starts at 1 here.
        const string unit = "26743.H29";
        const int count = 1000;
        var token = await Tokens.ForClientAsync(system.Client(ResourceNames.Sandbox), "dev-admin");
        var intake = system.Client(ResourceNames.Intake);
        using var gate = new SemaphoreSlim(64);

        var codes = await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                using var response = await intake.SendAsync(Submissions.Post(unit, token, body: new
                {
                    procedureCode = Submissions.ProcedureCode, receivingUnit = unit, channel = 1,
                    applicant = new { kind = "citizen", name = $"Công dân {i}", citizenId = "079203001234" },
                    documents = Submissions.CompleteDocuments(),
                }));
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dossierCode").GetString()!;
            }
            finally
            {
                gate.Release();
            }
        }));

        Assert.Equal(count, codes.Distinct().Count());
        var byDay = codes.GroupBy(c => c.Split('-')[1]).ToList(); // a run across Vietnam midnight restarts the sequence
        foreach (var day in byDay)
        {
            var sequences = day.Select(c => int.Parse(c.Split('-')[2])).Order().ToList();
            Assert.Equal(Enumerable.Range(sequences[0], sequences.Count), sequences);
            Assert.All(day, c => Assert.Matches(@"^26743\.H29-\d{6}-\d{4,}$", c));
        }
        Assert.Equal(1, byDay.Min(d => d.Select(c => int.Parse(c.Split('-')[2])).Min()));
    }
}
