using System.Data;
using System.Text.Json;
using Dapper;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Reporting.Kpi.Indicators;

namespace Procedures.Reporting.Kpi.Facts;

/// <summary>
/// Writes Reporting's event log and keeps the facts derived from it. A dossier's facts are always recomputed from ALL
/// of its logged events (<see cref="DossierFold"/>), under a per-dossier lock, and the daily aggregate gets the
/// difference between the new and the old contribution: replaying, duplicating or reordering events cannot drift.
/// </summary>
public static class FactStore
{
    public static class Kinds
    {
        public const string Submitted = "submitted";
        public const string Status = "status";
        public const string Synced = "synced";
        public const string Payment = "payment";
        public const string Apology = "apology";
        public const string Procedure = "procedure";
        public const string CitizenStore = "citizen-store";

        /// <summary>The kinds folded into a dossier's facts (<see cref="DossierFold"/>); the subject is the dossier code.</summary>
        public static readonly string[] Dossier = [Submitted, Status, Synced, Payment, Apology, CitizenStore];

        // Facts kept beside the dossier fold, logged so the rebuild can recompute them too (SideFacts).
        public const string Rating = "rating";
        public const string FeedbackFiled = "feedback-filed";
        public const string FeedbackAnswered = "feedback-answered";
        public const string FeedbackRated = "feedback-rated";
        public const string CertifiedCopy = "certified-copy";
        public const string Agency = "agency";
    }

    static FactStore() => RegisterTypes();

    public static void RegisterTypes()
    {
        DapperTypes.Register();
        DateOnlyHandler.Register();
    }

    /// <summary>Appends an event to the log unless a copy (same subject, kind, key) is already there.</summary>
    public static Task<int> LogAsync<T>(IDbTransaction tx, string kind, string subject, string key, T payload, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO event_log (kind, subject, key, payload) VALUES (@kind, @subject, @key, @payload::jsonb)
            ON CONFLICT (subject, kind, key) DO NOTHING
            """, new { kind, subject, key, payload = JsonSerializer.Serialize(payload, MessageJson.Options) }, tx, cancellationToken: ct));

    /// <summary>Serialises work on one dossier (or procedure) until the transaction ends.</summary>
    public static Task LockAsync(IDbTransaction tx, string subject, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtextextended(@subject, 766))",
            new { subject }, tx, cancellationToken: ct));

    /// <summary>Recomputes one dossier's facts from its log and moves the daily aggregate by the difference.</summary>
    public static async Task RefreshDossierAsync(IDbTransaction tx, string code, CancellationToken ct)
    {
        var connection = tx.Connection!;
        var old = await connection.QuerySingleOrDefaultAsync<DossierFact>(new CommandDefinition(
            SelectFacts + " WHERE code = @code", new { code }, tx, cancellationToken: ct));
        var fact = DossierFold.Fold(await LoadEventsAsync(tx, code, ct));
        await UpsertAsync(tx, fact, ct);
        var changes = new List<(DossierFact Fact, Tally Delta)>();
        if (old is not null) changes.Add((old, Tally.Empty - Tally.Of(old)));
        changes.Add((fact, Tally.Of(fact)));
        await AddToAggregatesAsync(tx, changes
            .Where(c => c.Fact.ReceivedDay is not null)
            .GroupBy(c => Key(c.Fact), c => c.Delta)
            .Select(g => (g.Key, g.Aggregate(Tally.Empty, (a, b) => a + b)))
            .ToList(), ct);
    }

    /// <summary>Records a procedure version (procedure facts are per version; the newest is the current one).</summary>
    public static Task UpsertProcedureAsync(IDbTransaction tx, ProcedureVersionFact p, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO procedure_versions (code, version, name, field, level, online_level, fee_bearing, published_on, published_on_time,
                paper_result, online_level_since)
            VALUES (@Code, @Version, @Name, @Field, @Level, @OnlineLevel, @FeeBearing, @PublishedOn, @PublishedOnTime, @PaperResult, @OnlineLevelSince)
            ON CONFLICT (code, version) DO UPDATE SET name = excluded.name, field = excluded.field, level = excluded.level,
                online_level = excluded.online_level, fee_bearing = excluded.fee_bearing, published_on = excluded.published_on,
                published_on_time = excluded.published_on_time, paper_result = excluded.paper_result,
                online_level_since = excluded.online_level_since
            """, new
            {
                p.Code, p.Version, p.Name, p.Field, Level = (short?)p.Level, OnlineLevel = (short)p.OnlineLevel, p.FeeBearing, p.PublishedOn,
                p.PublishedOnTime, p.PaperResult, p.OnlineLevelSince,
            }, tx, cancellationToken: ct));

    public static async Task<DossierEvents> LoadEventsAsync(IDbTransaction tx, string code, CancellationToken ct)
        => (await LoadEventsAsync(tx, [code], ct)).SingleOrDefault() ?? Events(code, []);

    /// <summary>The logged events of several dossiers (only those that have any).</summary>
    public static async Task<List<DossierEvents>> LoadEventsAsync(IDbTransaction tx, IReadOnlyList<string> codes, CancellationToken ct)
    {
        var rows = await tx.Connection!.QueryAsync<(string Subject, string Kind, string Payload)>(new CommandDefinition("""
            SELECT subject, kind, payload::text FROM event_log WHERE subject = ANY(@codes) AND kind = ANY(@kinds) ORDER BY id
            """, new { codes = codes.ToArray(), kinds = Kinds.Dossier }, tx, cancellationToken: ct));
        return rows.GroupBy(r => r.Subject).Select(g => Events(g.Key, g.Select(r => (r.Kind, r.Payload)).ToList())).ToList();
    }

    private static DossierEvents Events(string code, List<(string Kind, string Payload)> rows)
    {
        List<T> Of<T>(string kind) => rows.Where(r => r.Kind == kind)
            .Select(r => JsonSerializer.Deserialize<T>(r.Payload, MessageJson.Options)!).ToList();
        return new DossierEvents(code, Of<DossierSubmitted>(Kinds.Submitted).FirstOrDefault(), Of<DossierStatusChanged>(Kinds.Status),
            Of<DossierSynced>(Kinds.Synced), Of<PaymentSucceeded>(Kinds.Payment), Of<ApologyIssued>(Kinds.Apology),
            Of<ResultStoredForCitizen>(Kinds.CitizenStore));
    }

    /// <summary>Columns of dossier_facts under the names of <see cref="DossierFact"/>.</summary>
    public const string SelectFacts = """
        SELECT code, procedure_code AS ProcedureCode, receiving_unit AS ReceivingUnit, deciding_agency AS DecidingAgency,
               channel, submitted_at AS SubmittedAt, received_at AS ReceivedAt, original_due_at AS OriginalDueAt, due_at AS DueAt,
               ended_at AS EndedAt, end_status AS EndStatus, status, last_seq AS LastSequence, supplement_requests AS SupplementRequests,
               paused_seconds AS PausedSeconds, pending_supplement_since AS PendingSupplementSince, fee_total AS FeeTotal,
               paid_online AS PaidOnline, digitised, reused, from_citizen_store AS FromCitizenStore, population_data AS PopulationData,
               citizen, electronic_result AS ElectronicResult, late_reception AS LateReception, apology_on_time AS ApologyOnTime,
               synced_seq AS SyncedSequence, synced_at AS SyncedAt, result_in_citizen_store AS ResultInCitizenStore,
               paper_result AS PaperResult
        FROM dossier_facts
        """;

    /// <summary>
    /// Writes a dossier's facts, and its row of open_facts (the narrow copy of the open dossiers the index judges) with
    /// them: kept or refreshed while <see cref="DossierFact.Open"/>, removed once it is not.
    /// </summary>
    public static Task UpsertAsync(IDbTransaction tx, DossierFact f, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition(UpsertFactsSql + ";\n" + (f.Open ? UpsertOpenSql : DeleteOpenSql), new
            {
                f.Code, f.ProcedureCode, f.ReceivingUnit, f.DecidingAgency, f.Agency, Channel = (short?)f.Channel, f.SubmittedAt, f.ReceivedAt,
                f.ReceivedDay, f.OriginalDueAt, f.DueAt, f.LegalDueAt, f.EndedAt, EndStatus = (short?)f.EndStatus, Status = (short)f.Status,
                f.LastSequence, f.SupplementRequests, f.PausedSeconds, f.PendingSupplementSince, f.FeeTotal, f.PaidOnline, f.Digitised,
                f.Reused, f.FromCitizenStore, f.PopulationData, f.Citizen, f.ElectronicResult, f.LateReception, f.ApologyOnTime, f.SyncedSequence,
                SyncedAt = f.SyncedAt?.ToUniversalTime(),
                f.ResultInCitizenStore, f.PaperResult,
            }, tx, cancellationToken: ct));

    private const string UpsertOpenSql = """
        INSERT INTO open_facts (code, received_day, agency, receiving_unit, procedure_code, legal_due_at, supplement_requests)
        VALUES (@Code, @ReceivedDay, @Agency, @ReceivingUnit, @ProcedureCode, @LegalDueAt, @SupplementRequests)
        ON CONFLICT (code) DO UPDATE SET received_day = excluded.received_day, agency = excluded.agency,
            receiving_unit = excluded.receiving_unit, procedure_code = excluded.procedure_code, legal_due_at = excluded.legal_due_at,
            supplement_requests = excluded.supplement_requests
        WHERE (open_facts.received_day, open_facts.agency, open_facts.receiving_unit, open_facts.procedure_code, open_facts.legal_due_at,
               open_facts.supplement_requests) IS DISTINCT FROM (excluded.received_day, excluded.agency, excluded.receiving_unit,
               excluded.procedure_code, excluded.legal_due_at, excluded.supplement_requests)
        """;

    private const string DeleteOpenSql = "DELETE FROM open_facts WHERE code = @Code";

    private const string UpsertFactsSql = """
        INSERT INTO dossier_facts (code, procedure_code, receiving_unit, deciding_agency, agency, channel, submitted_at, received_at,
            received_day, original_due_at, due_at, legal_due_at, ended_at, end_status, status, last_seq, supplement_requests,
            paused_seconds, pending_supplement_since, fee_total, paid_online, digitised, reused, from_citizen_store, population_data,
            citizen, electronic_result, late_reception, apology_on_time, synced_seq, synced_at, result_in_citizen_store, paper_result)
        VALUES (@Code, @ProcedureCode, @ReceivingUnit, @DecidingAgency, @Agency, @Channel, @SubmittedAt, @ReceivedAt,
            @ReceivedDay, @OriginalDueAt, @DueAt, @LegalDueAt, @EndedAt, @EndStatus, @Status, @LastSequence, @SupplementRequests,
            @PausedSeconds, @PendingSupplementSince, @FeeTotal, @PaidOnline, @Digitised, @Reused, @FromCitizenStore, @PopulationData,
            @Citizen, @ElectronicResult, @LateReception, @ApologyOnTime, @SyncedSequence, @SyncedAt, @ResultInCitizenStore, @PaperResult)
        ON CONFLICT (code) DO UPDATE SET procedure_code = excluded.procedure_code, receiving_unit = excluded.receiving_unit,
            deciding_agency = excluded.deciding_agency, agency = excluded.agency, channel = excluded.channel,
            submitted_at = excluded.submitted_at, received_at = excluded.received_at, received_day = excluded.received_day,
            original_due_at = excluded.original_due_at, due_at = excluded.due_at, legal_due_at = excluded.legal_due_at,
            ended_at = excluded.ended_at, end_status = excluded.end_status, status = excluded.status, last_seq = excluded.last_seq,
            supplement_requests = excluded.supplement_requests, paused_seconds = excluded.paused_seconds,
            pending_supplement_since = excluded.pending_supplement_since, fee_total = excluded.fee_total,
            paid_online = excluded.paid_online, digitised = excluded.digitised, reused = excluded.reused,
            from_citizen_store = excluded.from_citizen_store, population_data = excluded.population_data, citizen = excluded.citizen,
            electronic_result = excluded.electronic_result, late_reception = excluded.late_reception,
            apology_on_time = excluded.apology_on_time, synced_seq = excluded.synced_seq,
            result_in_citizen_store = excluded.result_in_citizen_store,
            synced_at = excluded.synced_at, paper_result = excluded.paper_result
        """;

    public static (DateOnly Day, string Agency, string Unit, string Procedure) Key(DossierFact f)
        => (f.ReceivedDay!.Value, f.Agency, f.ReceivingUnit ?? "", f.ProcedureCode ?? "");

    private static string AddTo(string table, string period, int row) => $"""
        INSERT INTO {table} ({period}, agency, unit, procedure_code, {string.Join(", ", Tally.StoredColumns)})
        VALUES (@p{row}, @a{row}, @u{row}, @c{row}, {string.Join(", ", Tally.StoredColumns.Select((_, i) => $"@v{row}_{i}"))})
        ON CONFLICT ({period}, agency, unit, procedure_code) DO UPDATE SET
        {string.Join(",\n", Tally.StoredColumns.Select(c => $"{c} = {table}.{c} + excluded.{c}"))}
        """;

    /// <summary>
    /// Adds deltas to the daily aggregate and to its monthly roll-up (monthly_facts, from which whole months are summed),
    /// in one round trip. Every transaction takes the day rows in key order, then the month rows in key order, so two
    /// refreshes never wait on each other in a circle.
    /// </summary>
    public static Task AddToAggregatesAsync(IDbTransaction tx, IReadOnlyList<((DateOnly Day, string Agency, string Unit, string Procedure) Key,
        Tally Delta)> changes, CancellationToken ct)
    {
        var days = changes.Where(c => !c.Delta.IsZero).OrderBy(c => c.Key).ToList();
        var months = days.GroupBy(c => (Month: new DateOnly(c.Key.Day.Year, c.Key.Day.Month, 1), c.Key.Agency, c.Key.Unit, c.Key.Procedure),
                c => c.Delta)
            .Select(g => (Key: g.Key, Delta: g.Aggregate(Tally.Empty, (a, b) => a + b)))
            .Where(c => !c.Delta.IsZero).OrderBy(c => c.Key).ToList();
        if (days.Count == 0) return Task.CompletedTask;
        var sql = new List<string>();
        var parameters = new DynamicParameters();
        void Add(string table, string period, DateOnly when, string agency, string unit, string procedure, Tally delta)
        {
            var row = sql.Count;
            sql.Add(AddTo(table, period, row));
            parameters.Add("p" + row, when);
            parameters.Add("a" + row, agency);
            parameters.Add("u" + row, unit);
            parameters.Add("c" + row, procedure);
            var values = delta.Stored();
            for (var i = 0; i < values.Length; i++) parameters.Add($"v{row}_{i}", values[i]);
        }
        foreach (var (key, delta) in days) Add("daily_facts", "day", key.Day, key.Agency, key.Unit, key.Procedure, delta);
        foreach (var (key, delta) in months) Add("monthly_facts", "month", key.Month, key.Agency, key.Unit, key.Procedure, delta);
        return tx.Connection!.ExecuteAsync(new CommandDefinition(string.Join(";\n", sql), parameters, tx, cancellationToken: ct));
    }

    /// <summary>Dapper and Npgsql agree on DateOnly ↔ date through this handler.</summary>
    private sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
    {
        private static int _registered;

        public static void Register()
        {
            if (Interlocked.Exchange(ref _registered, 1) == 1) return;
            SqlMapper.AddTypeHandler(new DateOnlyHandler());
        }

        public override DateOnly Parse(object value) => value switch
        {
            DateOnly d => d,
            DateTime dt => DateOnly.FromDateTime(dt),
            _ => throw new DataException($"Cannot read {value.GetType()} as DateOnly."),
        };

        public override void SetValue(IDbDataParameter parameter, DateOnly value)
        {
            parameter.DbType = DbType.Date;
            parameter.Value = value;
        }
    }
}
