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
                // An integrator's loop: a 503 (the database busy past its command timeout on a starved machine, or with two
                // instances queueing on the desk's counter row), and a 409 while that first attempt is still in flight, are
                // retried under the same Idempotency-Key after the server's Retry-After; nothing else is.
                var key = Guid.NewGuid().ToString();
                for (var attempt = 1; ; attempt++)
                {
                    using var response = await intake.SendAsync(Submissions.Post(unit, token, key, new
                    {
                        procedureCode = Submissions.ProcedureCode, receivingUnit = unit, channel = 1,
                        applicant = new { kind = "citizen", name = $"Công dân {i}", citizenId = "079203001234" },
                        documents = Submissions.CompleteDocuments(),
                    }));
                    if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.Conflict && response.Headers.RetryAfter is not null
                        && attempt < 8)
                    {
                        await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(2)); // the server's Retry-After
                        continue;
                    }
                    if (response.StatusCode != HttpStatusCode.Created)
                        Assert.Fail($"submission {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}; Intake's errors: "
                                    + string.Join(" | ", system.Logs.Where(l => l.Contains("intake", StringComparison.OrdinalIgnoreCase)
                                                                               && (l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("exception", StringComparison.OrdinalIgnoreCase))).TakeLast(5)));
                    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dossierCode").GetString()!;
                }
            }
            finally
            {
                gate.Release();
            }
        }));

        // A retried 503 rolled back: its number went back to the counter, so the codes stay gap-free.
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
