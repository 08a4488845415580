using System.Diagnostics.Metrics;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.Reporting.Kpi.Indicators;
using Procedures.Reporting.Kpi.Rules;

namespace Procedures.Reporting.Kpi;

/// <summary>
/// Dashboard gauges per agency for the current month (Vietnam time): on-time rate, sync rate, online-payment rate and
/// open overdue dossiers. Recomputed in the background every <see cref="KpiOptions.MetricsInterval"/>; the gauges read
/// the last snapshot, so a metrics scrape never queries the database.
/// </summary>
public sealed partial class KpiMetrics : BackgroundService
{
    public const string MeterName = "Procedures.Reporting.Kpi";

    private readonly NpgsqlDataSource _db;
    private readonly KpiRules _rules;
    private readonly IOptionsMonitor<KpiOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<KpiMetrics> _logger;
    private volatile IReadOnlyList<AgencySnapshot> _snapshot = [];

    public sealed record AgencySnapshot(string Agency, decimal? OnTimeRate, decimal? SyncRate, decimal? OnlinePaymentRate, long Overdue);

    public KpiMetrics(NpgsqlDataSource db, KpiRules rules, IOptionsMonitor<KpiOptions> options, TimeProvider time, IMeterFactory meters,
        ILogger<KpiMetrics> logger)
    {
        (_db, _rules, _options, _time, _logger) = (db, rules, options, time, logger);
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("procedures.kpi.on_time_rate", () => Measure(s => s.OnTimeRate), "1",
            "Share of dossiers received this month processed (or still) on time, per agency (Decision 766 rule)");
        meter.CreateObservableGauge("procedures.kpi.sync_rate", () => Measure(s => s.SyncRate), "1",
            "Share of dossiers received this month synced to the national portal, per agency");
        meter.CreateObservableGauge("procedures.kpi.online_payment_rate", () => Measure(s => s.OnlinePaymentRate), "1",
            "Share of fee-bearing dossiers received this month paid online, per agency");
        meter.CreateObservableGauge("procedures.kpi.overdue_count", () => _snapshot.Select(s => new Measurement<long>(s.Overdue, Tag(s))), "{dossier}",
            "Open dossiers past their legal due moment, per agency");
    }

    public IReadOnlyList<AgencySnapshot> Snapshot => _snapshot;

    private IEnumerable<Measurement<double>> Measure(Func<AgencySnapshot, decimal?> pick)
        => _snapshot.Where(s => pick(s) is not null).Select(s => new Measurement<double>((double)pick(s)!.Value, Tag(s)));

    private static KeyValuePair<string, object?> Tag(AgencySnapshot s) => new("agency", s.Agency);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { _snapshot = await ComputeAsync(stoppingToken); }
            catch (Exception ex) when (ex is not OperationCanceledException) { LogFailed(_logger, ex); }
            try { await Task.Delay(_options.CurrentValue.MetricsInterval, _time, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    public async Task<IReadOnlyList<AgencySnapshot>> ComputeAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow().ToUniversalTime(); // Npgsql writes timestamptz only from offset 0
        var today = now.VietnamDate();
        var month = new DateOnly(today.Year, today.Month, 1);
        var rules = _rules.For(today);
        Facts.FactStore.RegisterTypes();
        await using var connection = await _db.OpenConnectionAsync(ct);
        var agencies = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT agency FROM daily_facts WHERE day >= @month", new { month }, cancellationToken: ct))).ToList();
        var overdue = (await connection.QueryAsync<(string Agency, long Count)>(new CommandDefinition("""
            SELECT agency, count(*) FROM dossier_facts
            WHERE received_at IS NOT NULL AND ended_at IS NULL AND pending_supplement_since IS NULL AND legal_due_at < @now
            GROUP BY agency
            """, new { now }, cancellationToken: ct))).ToDictionary(x => x.Agency, x => x.Count);
        var result = new List<AgencySnapshot>();
        foreach (var agency in agencies.Union(overdue.Keys))
        {
            var index = await Api.IndexQuery.ComputeAsync(_db, new Api.IndexFilter(month, today, agency, null, null), rules, now, ct);
            decimal? Ratio(string code) => index.Indicators.First(i => i.Code == code).Ratio;
            result.Add(new AgencySnapshot(agency, Ratio(IndicatorCodes.ProgressOnTime), Ratio(IndicatorCodes.DossierSync),
                Ratio(IndicatorCodes.DossiersPaidOnline), overdue.GetValueOrDefault(agency)));
        }
        return result;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "KPI metrics could not be computed")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
