using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Intake.Catalogue;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.Security;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Catalogue;

/// <summary>Shared pieces of the catalogue tests: a migrated (and optionally seeded) Intake database, a clock, an admin.</summary>
internal static class CatalogueTesting
{
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 30, 0, TimeSpan.Zero);

    public static string DataDirectory => Path.Combine(RepositoryRoot.Path, "services", "Intake", "Data");

    public static CatalogueSeedData SeedData => CatalogueSeedData.FromDirectory(DataDirectory);

    public static Caller Admin { get; } = new("catalogue-admin", "000.00.00.H29",
        new HashSet<string>(StringComparer.Ordinal) { Scopes.ProceduresAdmin }, SeesAllAgencies: false);

    public static Task<NpgsqlDataSource> CreateDatabaseAsync(InfrastructureFixture infra)
        => ServiceDatabase.CreateAsync(infra, "catalogue", typeof(CatalogueApi).Assembly);

    public static async Task<NpgsqlDataSource> CreateSeededAsync(InfrastructureFixture infra)
    {
        var db = await CreateDatabaseAsync(infra);
        await CatalogueSeeder.SeedAsync(db, SeedData, new TestClock(Now), CancellationToken.None);
        return db;
    }

    public static async Task<long> CountAsync(NpgsqlDataSource db, string sql, object? args = null)
    {
        await using var c = await db.OpenConnectionAsync();
        return await c.ExecuteScalarAsync<long>(sql, args);
    }

    /// <summary>Outbox rows of one message type, bodies parsed.</summary>
    public static async Task<List<JsonElement>> OutboxAsync(NpgsqlDataSource db, Type messageType)
    {
        await using var c = await db.OpenConnectionAsync();
        var bodies = await c.QueryAsync<string>("SELECT body::text FROM messaging.outbox WHERE message_type = @type ORDER BY id",
            new { type = Procedures.Messaging.MessageJson.TypeName(messageType) });
        return bodies.Select(b => JsonDocument.Parse(b).RootElement.Clone()).ToList();
    }

    public static IReadOnlyList<FieldError> FieldErrors(IResult result)
    {
        var problem = Assert.IsType<ProblemHttpResult>(result);
        Assert.Equal(StatusCodes.Status400BadRequest, problem.StatusCode);
        return Assert.IsAssignableFrom<IReadOnlyList<FieldError>>(problem.ProblemDetails.Extensions["errors"]);
    }

    public static void AssertBilingual(FieldError error)
    {
        Assert.False(string.IsNullOrWhiteSpace(error.Vi), $"{error.Field}/{error.Rule} has no Vietnamese message");
        Assert.False(string.IsNullOrWhiteSpace(error.En), $"{error.Field}/{error.Rule} has no English message");
        Assert.Contains(error.Vi, c => c > '\u007f');
        Assert.All(error.En, c => Assert.True(c <= '\u007f', $"non-ASCII '{c}' in the English message of {error.Field}/{error.Rule}"));
    }

    /// <summary>The seed CSV's header and the row of <paramref name="code"/>, as text.</summary>
    public static string SeedRows(params string[] codes)
    {
        var lines = SplitRecords(File.ReadAllText(Path.Combine(DataDirectory, "hcmc-procedures.csv")));
        return string.Join("\n", new[] { lines[0] }.Concat(lines.Where(l => codes.Any(c => l.StartsWith(c + ",", StringComparison.Ordinal))))) + "\n";
    }

    /// <summary>The CSV's records (a quoted field may span lines), each as its original text.</summary>
    public static List<string> SplitRecords(string csv)
    {
        var records = new List<string>();
        var start = 0;
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            if (csv[i] == '"') quoted = !quoted;
            else if (csv[i] == '\n' && !quoted)
            {
                records.Add(csv[start..i].TrimEnd('\r'));
                start = i + 1;
            }
        }
        if (start < csv.Length) records.Add(csv[start..]);
        return records;
    }
}

