using System.Globalization;
using Dapper;
using MassTransit;
using Procedures.Contracts;
using Procedures.Messaging.Inbox;
using Procedures.Reporting.Kpi.Facts;
using static Procedures.Reporting.Kpi.Facts.FactStore;

namespace Procedures.Reporting.Kpi;

// The projection: every event is appended to Reporting's event log (a copy already there is skipped), then the
// dossier's facts are recomputed from the whole log. The inbox (IdempotentConsumer) makes a redelivered message a
// no-op; the log key makes a re-published copy a no-op; the fold makes arrival order irrelevant.

/// <summary>The projection's consumers, as the service registers them.</summary>
public static class Projection
{
    public static void AddConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ProjectSubmission>();
        bus.AddConsumer<ProjectStatus>();
        bus.AddConsumer<ProjectSync>();
        bus.AddConsumer<ProjectPayment>();
        bus.AddConsumer<ProjectApology>();
        bus.AddConsumer<ProjectProcedurePublished>();
        bus.AddConsumer<ProjectProcedureChanged>();
        Satisfaction.SatisfactionProjection.AddConsumers(bus);
        bus.AddConsumer<ProjectResultStored>();
        bus.AddConsumer<ProjectCopyCertified>();
        bus.AddConsumer<Agencies.ProjectAgencies>();
    }
}

/// <summary>Base: log the event under the subject's lock, then refresh the subject's facts.</summary>
public abstract class DossierProjection<T>(ConsumerServices services) : IdempotentConsumer<T>(services) where T : class
{
    protected abstract (string Kind, string Code, string Key) Identify(T message);

    /// <summary>What is kept in the log: only what the facts need (no personal data).</summary>
    protected virtual T ForLog(T message) => message;

    protected override async Task HandleAsync(T message, ConsumeScope<T> scope, CancellationToken ct)
    {
        var (kind, code, key) = Identify(message);
        await LockAsync(scope.Transaction, code, ct);
        if (await LogAsync(scope.Transaction, kind, code, key, ForLog(message), ct) == 0) return; // a copy was already applied
        await RefreshDossierAsync(scope.Transaction, code, ct);
    }

    protected static string Text(long n) => n.ToString(CultureInfo.InvariantCulture);
}

public sealed class ProjectSubmission(ConsumerServices services) : DossierProjection<DossierSubmitted>(services)
{
    protected override (string, string, string) Identify(DossierSubmitted m) => (Kinds.Submitted, m.DossierCode, "");

    /// <summary>Reporting keeps no personal data: the applicant's kind and VNeID level, not who they are; no file names or summary.</summary>
    protected override DossierSubmitted ForLog(DossierSubmitted m) => m with
    {
        ApplicantName = "",
        Applicant = m.Applicant is { } a ? new ApplicantIdentity(a.Kind, "", null, null, a.VneidLevel2) : null,
        Summary = null,
        Documents = m.Documents?.Select(d => d with { FileName = null, Sha256 = null, DocumentId = null }).ToList(),
    };
}

public sealed class ProjectStatus(ConsumerServices services) : DossierProjection<DossierStatusChanged>(services)
{
    protected override (string, string, string) Identify(DossierStatusChanged m) => (Kinds.Status, m.DossierCode, Text(m.Sequence));
}

public sealed class ProjectSync(ConsumerServices services) : DossierProjection<DossierSynced>(services)
{
    protected override (string, string, string) Identify(DossierSynced m) => (Kinds.Synced, m.DossierCode, Text(m.Sequence));
}

public sealed class ProjectPayment(ConsumerServices services) : DossierProjection<PaymentSucceeded>(services)
{
    protected override (string, string, string) Identify(PaymentSucceeded m) => (Kinds.Payment, m.DossierCode, m.Reference);
}

public sealed class ProjectApology(ConsumerServices services) : DossierProjection<ApologyIssued>(services)
{
    protected override (string, string, string) Identify(ApologyIssued m) => (Kinds.Apology, m.DossierCode, Text(m.Sequence));
}

/// <summary>Procedure versions: logged for the rebuild, and upserted (a version's facts never depend on another's).</summary>
public sealed class ProjectProcedurePublished(ConsumerServices services) : IdempotentConsumer<ProcedurePublished>(services)
{
    protected override async Task HandleAsync(ProcedurePublished m, ConsumeScope<ProcedurePublished> scope, CancellationToken ct)
    {
        await LogAsync(scope.Transaction, Kinds.Procedure, m.ProcedureCode, "published:" + m.Version.ToString(CultureInfo.InvariantCulture), m, ct);
        await UpsertProcedureAsync(scope.Transaction, ProcedureVersionFact.From(m), ct);
    }
}

public sealed class ProjectProcedureChanged(ConsumerServices services) : IdempotentConsumer<ProcedureChanged>(services)
{
    protected override async Task HandleAsync(ProcedureChanged m, ConsumeScope<ProcedureChanged> scope, CancellationToken ct)
    {
        await LogAsync(scope.Transaction, Kinds.Procedure, m.ProcedureCode, "changed:" + m.Version.ToString(CultureInfo.InvariantCulture), m, ct);
        await UpsertProcedureAsync(scope.Transaction, ProcedureVersionFact.From(m), ct);
    }
}

/// <summary>4.4: an electronic result in the citizen's data store links the dossier to the store.</summary>
public sealed class ProjectResultStored(ConsumerServices services) : DossierProjection<ResultStoredForCitizen>(services)
{
    protected override (string, string, string) Identify(ResultStoredForCitizen m) => (Kinds.CitizenStore, m.DossierCode, m.ResultCode);
}

/// <summary>ELECTRONIC_CERTIFIED_COPY: one row per certified copy, by certifying agency and Vietnam date.</summary>
public sealed class ProjectCopyCertified(ConsumerServices services) : IdempotentConsumer<CopyCertified>(services)
{
    static ProjectCopyCertified() => RegisterTypes();

    protected override Task HandleAsync(CopyCertified m, ConsumeScope<CopyCertified> scope, CancellationToken ct)
        => SideFacts.RecordAsync(scope.Transaction, Kinds.CertifiedCopy, m.CopyId.ToString(), "", m, ApplyAsync, ct);

    public static Task ApplyAsync(System.Data.IDbTransaction tx, CopyCertified m, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO certified_copies (copy_id, agency, certified_day, certified_at) VALUES (@CopyId, @Agency, @day, @at)
            ON CONFLICT DO NOTHING
            """, new { m.CopyId, m.Agency, day = VietnamTime.VietnamDate(m.CertifiedAt), at = m.CertifiedAt.ToUniversalTime() },
            tx, cancellationToken: ct));
}
