using Npgsql;
using Procedures.Calendar;
using Procedures.Contracts;
using Procedures.Processing.Dossiers;

namespace Procedures.Services.Tests;

/// <summary>
/// Seeds Processing's dossiers through its own decisions and store (<see cref="DossierDecisions"/>, <see cref="DossierRecords"/>):
/// the submission as <see cref="RecordSubmission"/> records it, each later step as an officer's action saves it, with the
/// history rows and events they append. Never a copy of their SQL.
/// </summary>
internal static class DossierSeed
{
    /// <summary>A submission with a five-working-day processing time (so it can be accepted), unit 38.98.H29 unless given.</summary>
    public static DossierSubmitted Submission(string code, DateTimeOffset submittedAt, string receivingUnit = "38.98.H29",
        string applicantName = "Lê Văn Cường")
        => new(code, "1.000948.H29", receivingUnit, SubmissionChannel.Online, applicantName, submittedAt,
            ProcessingTime: new ProcessingTerm(5, "working-days"));

    /// <summary>What <see cref="RecordSubmission"/> does (status 1, sequence 1, its history row and event).</summary>
    public static Task SubmittedAsync(NpgsqlDataSource db, DossierSubmitted m)
        => db.InTransactionAsync(tx => DossierRecords.InsertAsync(tx, DossierDecisions.Submit(m, WorkingCalendar.Default), m, [], null,
            CancellationToken.None));

    /// <summary>
    /// An officer's <paramref name="action"/> at <paramref name="now"/>, decided and saved as the action endpoints do it
    /// (the next sequence, its history row and event); fails the test if the lifecycle refuses it.
    /// </summary>
    public static Task ActedAsync(NpgsqlDataSource db, string code, DossierAction action, DateTimeOffset now, Step? step = null)
        => db.InTransactionAsync(async tx =>
        {
            var record = await DossierRecords.LoadAsync(tx, code, null, all: true, CancellationToken.None)
                ?? throw new InvalidOperationException($"No dossier {code} to act on");
            var decision = DossierDecisions.Decide(record, action, step ?? new Step("Nguyễn Thị Hoa", "officer", "Bộ phận một cửa", action.ToString()),
                now, WorkingCalendar.Default, new ClockSettings());
            if (decision.Change is not { } change) throw new InvalidOperationException($"{action} refused on {code}: {decision.Detail}");
            if (!await DossierRecords.SaveAsync(tx, change, now, CancellationToken.None))
                throw new InvalidOperationException($"{code} changed meanwhile");
        });
}
