using System.Data;
using Dapper;
using MassTransit;
using Procedures.Contracts;
using Procedures.Messaging.Inbox;
using Procedures.Reporting.Kpi.Facts;

namespace Procedures.Reporting.Kpi.Satisfaction;

// Ratings and feedback into Reporting's tables, logged first (SideFacts) so the rebuild can apply them again. The inbox
// (IdempotentConsumer) makes a redelivery a no-op, the log a re-published copy; each upsert writes only its own event's
// columns, so the feedback row is the same whatever order Filed/Answered/Rated arrive in.

public static class SatisfactionProjection
{
    public static void AddConsumers(IBusRegistrationConfigurator bus)
    {
        Facts.FactStore.RegisterTypes(); // DateOnly parameters
        bus.AddConsumer<ProjectDossierRated>();
        bus.AddConsumer<ProjectFeedbackFiled>();
        bus.AddConsumer<ProjectFeedbackAnswered>();
        bus.AddConsumer<ProjectFeedbackRated>();
    }
}

public sealed class ProjectDossierRated(ConsumerServices services) : IdempotentConsumer<DossierRated>(services)
{
    protected override Task HandleAsync(DossierRated m, ConsumeScope<DossierRated> scope, CancellationToken ct)
        => SideFacts.RecordAsync(scope.Transaction, FactStore.Kinds.Rating, m.DossierCode, "", m, ApplyAsync, ct);

    public static Task ApplyAsync(IDbTransaction tx, DossierRated m, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO satisfaction_ratings (dossier_code, agency, unit, procedure_code, level, satisfied, rated_at, rated_day)
            VALUES (@DossierCode, @agency, @ReceivingUnit, @procedure, @Level, @Satisfied, @ratedAt, @day)
            ON CONFLICT (dossier_code) DO NOTHING
            """, new
            {
                m.DossierCode, agency = m.DecidingAgency ?? m.ReceivingUnit, m.ReceivingUnit, procedure = m.ProcedureCode ?? "", m.Level, m.Satisfied,
                ratedAt = m.RatedAt.ToUniversalTime(), day = m.RatedAt.VietnamDate(),
            }, tx, cancellationToken: ct));
}

public sealed class ProjectFeedbackFiled(ConsumerServices services) : IdempotentConsumer<FeedbackFiled>(services)
{
    protected override Task HandleAsync(FeedbackFiled m, ConsumeScope<FeedbackFiled> scope, CancellationToken ct)
        => SideFacts.RecordAsync(scope.Transaction, FactStore.Kinds.FeedbackFiled, m.FeedbackId.ToString(), "", m, ApplyAsync, ct);

    public static Task ApplyAsync(IDbTransaction tx, FeedbackFiled m, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO feedback_facts (id, agency, procedure_code, filed_at, due_at, due_day)
            VALUES (@FeedbackId, @Agency, @procedure, @filedAt, @dueAt, @dueDay)
            ON CONFLICT (id) DO UPDATE SET filed_at = EXCLUDED.filed_at, due_at = EXCLUDED.due_at, due_day = EXCLUDED.due_day
            """, new
            {
                m.FeedbackId, m.Agency, procedure = m.ProcedureCode ?? "", filedAt = m.FiledAt.ToUniversalTime(), dueAt = m.DueAt.ToUniversalTime(),
                dueDay = m.DueAt.VietnamDate(),
            }, tx, cancellationToken: ct));
}

public sealed class ProjectFeedbackAnswered(ConsumerServices services) : IdempotentConsumer<FeedbackAnswered>(services)
{
    protected override Task HandleAsync(FeedbackAnswered m, ConsumeScope<FeedbackAnswered> scope, CancellationToken ct)
        => SideFacts.RecordAsync(scope.Transaction, FactStore.Kinds.FeedbackAnswered, m.FeedbackId.ToString(), "", m, ApplyAsync, ct);

    public static Task ApplyAsync(IDbTransaction tx, FeedbackAnswered m, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO feedback_facts (id, agency, procedure_code, filed_at, due_at, due_day, answered_at)
            VALUES (@FeedbackId, @Agency, @procedure, @filedAt, @dueAt, @dueDay, @answeredAt)
            ON CONFLICT (id) DO UPDATE SET answered_at = EXCLUDED.answered_at, due_at = EXCLUDED.due_at, due_day = EXCLUDED.due_day
            """, new
            {
                m.FeedbackId, m.Agency, procedure = m.ProcedureCode ?? "", filedAt = m.FiledAt.ToUniversalTime(), dueAt = m.DueAt.ToUniversalTime(),
                dueDay = m.DueAt.VietnamDate(), answeredAt = m.AnsweredAt.ToUniversalTime(),
            }, tx, cancellationToken: ct));
}

public sealed class ProjectFeedbackRated(ConsumerServices services) : IdempotentConsumer<FeedbackRated>(services)
{
    protected override Task HandleAsync(FeedbackRated m, ConsumeScope<FeedbackRated> scope, CancellationToken ct)
        => SideFacts.RecordAsync(scope.Transaction, FactStore.Kinds.FeedbackRated, m.FeedbackId.ToString(), "", m, ApplyAsync, ct);

    public static Task ApplyAsync(IDbTransaction tx, FeedbackRated m, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO feedback_facts (id, agency, procedure_code, satisfied, rated_day) VALUES (@FeedbackId, @Agency, @procedure, @Satisfied, @day)
            ON CONFLICT (id) DO UPDATE SET satisfied = EXCLUDED.satisfied, rated_day = EXCLUDED.rated_day
            """, new { m.FeedbackId, m.Agency, procedure = m.ProcedureCode ?? "", m.Satisfied, day = m.RatedAt.VietnamDate() },
            tx, cancellationToken: ct));
}
