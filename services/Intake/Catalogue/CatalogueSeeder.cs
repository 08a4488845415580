using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;
using Procedures.Messaging.Audit;

namespace Procedures.Intake.Catalogue;

/// <summary>
/// The seed texts: hcmc-procedures.csv and hcmc-communes.csv (in Data/; sources: docs/data-sources.md), and the
/// city-level agencies of hcmc-agencies.csv (the register of agencies; null: the communes and the city only).
/// </summary>
public sealed record CatalogueSeedData(string ProceduresCsv, string CommunesCsv, string? AgenciesCsv = null)
{
    public const string ProceduresResource = "Procedures.Intake.Data.hcmc-procedures.csv";
    public const string CommunesResource = "Procedures.Intake.Data.hcmc-communes.csv";

    /// <summary>The copies embedded in this assembly (Intake.csproj: EmbeddedResource Data\*.csv with these logical names).</summary>
    public static CatalogueSeedData Embedded()
        => new(ReadResource(ProceduresResource), ReadResource(CommunesResource), ReadResource(Agencies.AgencySeed.Resource));

    /// <summary>The copies in a folder (tests read services/Intake/Data).</summary>
    public static CatalogueSeedData FromDirectory(string directory)
        => new(File.ReadAllText(Path.Combine(directory, "hcmc-procedures.csv"), Encoding.UTF8),
            File.ReadAllText(Path.Combine(directory, "hcmc-communes.csv"), Encoding.UTF8),
            File.ReadAllText(Path.Combine(directory, Agencies.AgencySeed.FileName), Encoding.UTF8));

    private static string ReadResource(string name)
    {
        using var stream = typeof(CatalogueSeedData).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException(
                $"Embedded resource {name} is missing: Intake.csproj needs <EmbeddedResource Include=\"Data\\*.csv\" LogicalName=\"Procedures.Intake.Data.%(Filename)%(Extension)\" />.");
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true));
        return reader.ReadToEnd();
    }
}

/// <summary>What a seeding run did.</summary>
public sealed record SeedResult(int ProceduresCreated, int ReceivingUnitsCreated);

/// <summary>
/// Loads the catalogue on first start: the 57 procedures of hcmc-procedures.csv when the catalogue is empty (each as
/// version 1, published as <c>ProcedurePublished</c> through the outbox and audited), and every receiving unit not yet
/// stored. One transaction under an advisory lock, so instances starting together seed once and a failure leaves
/// nothing behind; a later run finds the rows and does nothing. Must run after the migrations.
/// </summary>
public static class CatalogueSeeder
{
    /// <summary>Transaction-scoped advisory lock key ("catalog" in ASCII).</summary>
    private const long LockKey = 0x63_61_74_61_6c_6f_67;

    /// <summary>The audit actor of the seed: the service itself, acting for the city level.</summary>
    public static readonly AuditActor Actor = new("intake-catalogue-seed", ReceivingUnits.CityId, "initial catalogue (hcmc-procedures.csv)", null);

    public static Task<SeedResult> SeedAsync(NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
        => SeedAsync(db, CatalogueSeedData.Embedded(), time, ct);

    public static async Task<SeedResult> SeedAsync(NpgsqlDataSource db, CatalogueSeedData data, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(data);
        var (rows, errors) = ProcedureCsv.Read(data.ProceduresCsv);
        if (errors.Count > 0)
            throw new InvalidDataException("Seed procedures CSV: " + string.Join("; ", errors.Select(e => $"{e.Field}: {e.En}")));
        var units = ReceivingUnits.FromCommunesCsv(data.CommunesCsv);
        var agencies = Agencies.AgencySeed.From(data.AgenciesCsv ?? "id,name,kind,decides,effective_from,local_scheme,source\n", data.CommunesCsv);

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, tx))
        {
            take.Parameters.Add(new NpgsqlParameter { Value = LockKey });
            await take.ExecuteNonQueryAsync(ct);
        }
        var now = time.GetUtcNow();
        var unitsCreated = await ReceivingUnits.InsertMissingAsync(tx, units, ct);
        var agenciesCreated = await Agencies.AgencyStore.InsertMissingAsync(tx, agencies, now, ct);
        if (agenciesCreated > 0)
            await AuditLog.AppendAsync(tx, Actor, new AuditEntry("agencies.seed", "agencies", PersonalData: false,
                Detail: new { created = agenciesCreated }), now, ct);
        await Agencies.AgencyStore.PublishRegisterAsync(tx, now, ct); // every start: Reporting's projection of the register catches up

        var created = 0;
        await using (var any = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM procedures)", connection, tx))
        {
            if (!(bool)(await any.ExecuteScalarAsync(ct))!)
                created = (await CatalogueStore.ImportAsync(tx, rows, Actor, "seed", now, ct)).Created.Count;
        }
        if (unitsCreated > 0)
        {
            await AuditLog.AppendAsync(tx, Actor, new AuditEntry("receiving-units.seed", "receiving-units", PersonalData: false,
                Detail: new { created = unitsCreated }), now, ct);
        }
        await tx.CommitAsync(ct);
        return new SeedResult(created, unitsCreated);
    }
}

/// <summary>
/// Runs <see cref="CatalogueSeeder"/> at start-up. Register it after AddProceduresMessaging: hosted services start in
/// registration order, so the migrations have run by then.
/// </summary>
public sealed partial class CatalogueSeeding(NpgsqlDataSource db, TimeProvider time, ILogger<CatalogueSeeding> logger)
    : Microsoft.Extensions.Hosting.IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var result = await CatalogueSeeder.SeedAsync(db, time, cancellationToken);
        LogSeeded(result.ProceduresCreated, result.ReceivingUnitsCreated);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Catalogue seed: {Procedures} procedures and {Units} receiving units created")]
    private partial void LogSeeded(int procedures, int units);
}
