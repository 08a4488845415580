using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Intake.Agencies;
using Procedures.Intake.Catalogue;
using Procedures.Intake.Failover;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults.Idempotency;
using Procedures.Messaging.Outbox;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Intake.Dossiers;

/// <summary>POST /api/v1/dossiers: store a submission, issue its code (status 1), publish DossierSubmitted.</summary>
public static partial class Submit
{
    public sealed record Request(
        string? ProcedureCode, string? ReceivingUnit, [property: CodeList(typeof(SubmissionChannel))] int? Channel, Applicant? Applicant,
        string? DecidingAgency = null, string? Summary = null, IReadOnlyList<DocumentReference>? Documents = null,
        IReadOnlyList<string>? Cases = null);

    public sealed record Response(string DossierCode, [property: CodeList(typeof(DossierStatus))] int Status, DateTimeOffset SubmittedAt);

    public static RouteGroupBuilder MapSubmit(this RouteGroupBuilder group)
    {
        group.MapPost("/", HandleAsync)
            .WithName("SubmitDossier")
            .WithExamples(IntakeExamples.SubmitRequest, IntakeExamples.SubmitResponse)
            .WithSummary("Submit a dossier (nộp hồ sơ)")
            .RequireScope(Scopes.DossiersSubmit)
            .RequireIdempotencyKey()
            .ProducesProblems(StatusCodes.Status400BadRequest, "invalid-citizen-id", "invalid-tax-code", "unknown-receiving-unit", "unknown-procedure",
                "procedure-not-open", "procedure-not-yet-effective", "channel-not-offered", "not-boundary-free", "incomplete-dossier", "unknown-agency")
            .ProducesProblems(StatusCodes.Status403Forbidden, "receiving-unit-not-yours")
            .ProducesProblems(StatusCodes.Status503ServiceUnavailable, "citizen-store-unavailable");
        return group;
    }

    /// <summary>Normalises the text fields (NFC, trimmed) and lists every rule the request breaks.</summary>
    public static (Request Clean, IReadOnlyList<FieldError> Errors) Normalize(Request r, DateOnly today)
    {
        var errors = new List<FieldError>();
        var clean = new Request(
            TextInput.Clean(r.ProcedureCode, "procedureCode", errors),
            TextInput.Clean(r.ReceivingUnit, "receivingUnit", errors),
            r.Channel,
            Applicant.Normalize(r.Applicant, "applicant", errors, today),
            TextInput.Clean(r.DecidingAgency, "decidingAgency", errors),
            TextInput.Clean(r.Summary, "summary", errors),
            DocumentReferences.Normalize(r.Documents, errors),
            DeclaredCases.Normalize(r.Cases, errors));
        errors.AddRange(Validate(clean).Where(e => errors.All(x => x.Field != e.Field)));
        return (clean, errors);
    }

    public static IReadOnlyList<FieldError> Validate(Request r)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(r.ProcedureCode))
            errors.Add(new("procedureCode", "required", "Mã thủ tục là bắt buộc", "The procedure code is required"));
        else if (r.ProcedureCode.Trim().Length > 50)
            errors.Add(new("procedureCode", "max-length", "Mã thủ tục tối đa 50 ký tự", "The procedure code has at most 50 characters"));
        if (string.IsNullOrWhiteSpace(r.ReceivingUnit))
            errors.Add(new("receivingUnit", "required", "Đơn vị tiếp nhận là bắt buộc", "The receiving unit is required"));
        else if (!ReceivingUnitPattern().IsMatch(r.ReceivingUnit))
            errors.Add(new("receivingUnit", "format", "Mã đơn vị tiếp nhận không đúng định dạng", "The receiving unit identifier is malformed"));
        if (r.DecidingAgency is { Length: > 0 } && !ReceivingUnitPattern().IsMatch(r.DecidingAgency))
            errors.Add(new("decidingAgency", "format", "Mã cơ quan giải quyết không đúng định dạng", "The deciding agency identifier is malformed"));
        if (r.Channel is null or < 1 or > 3)
            errors.Add(new("channel", "one-of", "Kênh nộp phải là 1, 2 hoặc 3", "The channel must be 1, 2 or 3"));
        if (r.Summary is { Length: > 1000 })
            errors.Add(new("summary", "max-length", "Trích yếu tối đa 1000 ký tự", "The summary has at most 1000 characters"));
        return errors;
    }

    private static async Task<Results<Created<Response>, ProblemHttpResult>> HandleAsync(
        Request request, Caller caller, HttpContext http, IdempotencyContext idempotency, NpgsqlDataSource db, TimeProvider time,
        CitizenStoreClient citizenStore, RecentlyAccepted accepted, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        (request, var errors) = Normalize(request, now.VietnamDate());
        if (errors.Count > 0) return Problems.Validation(errors, ProcedureRules.ProblemTypeFor(errors));
        if (!caller.SeesAllAgencies && caller.Agency != request.ReceivingUnit)
            return Problems.Of(StatusCodes.Status403Forbidden, "receiving-unit-not-yours",
                "Chỉ được tiếp nhận hồ sơ tại đơn vị của mình", "A client may only submit at its own receiving unit",
                $"The token's agency is {caller.Agency}; receivingUnit is {request.ReceivingUnit}.");

        var applicant = request.Applicant!;
        // Documents taken from the citizen store are checked there first, outside the transaction: no connection waits on the portal.
        switch (await CitizenStoreCheck.CheckAsync(citizenStore, applicant.IdNumber, request.Documents ?? [], ct))
        {
            case null:
                http.Response.Headers.RetryAfter = "5";
                return CitizenStoreCheck.Unavailable();
            case { Count: > 0 } notInStore:
                return Problems.Validation(notInStore);
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await idempotency.BeginAsync(connection, ct);
        var procedure = await CatalogueStore.GetCurrentAsync(tx, request.ProcedureCode!, ct);
        var unit = await ReceivingUnits.GetAsync(tx, request.ReceivingUnit!, ct);
        var channel = (SubmissionChannel)request.Channel!.Value;
        var refusals = ProcedureRules.Check(procedure, unit, channel, request.Documents ?? [], now.VietnamDate(), request.Cases ?? []).ToList();
        // A deciding agency named by the client must be one of the register's, deciding today: it receives the dossier.
        if (request.DecidingAgency is { } named
            && Agency.CheckDeciding("decidingAgency", named, await AgencyStore.GetCurrentAsync(tx, named, ct), now.VietnamDate()) is { } unknown)
            refusals.Add(new ProcedureRules.Refusal("unknown-agency", unknown));
        if (refusals.Count > 0)
            return Problems.Validation(refusals.Select(r => r.Error).ToList(), refusals[0].ProblemType);
        var decidingAgency = request.DecidingAgency ?? DecidingAgencies.IdentifierFor(procedure!, unit!) ?? unit!.Id;
        // What this dossier's channel costs: Payment charges it and the portal receives it from DossierSubmitted.
        var fees = procedure!.FeesFor(channel).Select(f => new DossierFee(f.Code, f.Name, f.AmountVnd)).ToList();

        var code = await DossierCodes.NextAsync(tx, request.ReceivingUnit!, now, ct);
        await DossierStore.InsertAsync(tx, new NewDossier(code.Value, request.ProcedureCode!, request.ReceivingUnit!, channel, applicant.Name!, now,
            decidingAgency)
        {
            ProcedureVersion = procedure.Version, ApplicantKind = applicant.PortalKind, IdNumber = applicant.IdNumber, Phone = applicant.Phone,
            Email = applicant.Email, Address = applicant.Address, VneidLevel2 = applicant.VneidLevel2 ?? false, Summary = request.Summary,
        }, ct);
        var documentErrors = new List<FieldError>();
        var documents = await DocumentReferences.AttachAsync(tx, request.Documents ?? [], code.Value, caller.Agency, caller.SeesAllAgencies,
            documentErrors, ct, new DocumentReferences.Reuse(applicant.IdNumber, request.ReceivingUnit!, now));
        if (documentErrors.Count > 0)
        {
            await tx.RollbackAsync(ct); // nothing of the submission stays, not even its number
            return Problems.Validation(documentErrors);
        }
        var submitted = new DossierSubmitted(code.Value, request.ProcedureCode!, request.ReceivingUnit!,
            (SubmissionChannel)request.Channel!.Value, applicant.Name!, now,
            new ApplicantIdentity(applicant.PortalKind, applicant.IdNumber, applicant.Phone, applicant.Email, applicant.VneidLevel2 ?? false),
            ProcedureVersion: procedure.Version, DecidingAgency: decidingAgency, Summary: request.Summary,
            // The receipt (form 01, at Processing) names the components and the unit, not only their codes.
            Documents: [.. documents.Select(d => d with { ComponentName = procedure.Content.Documents.FirstOrDefault(c => c.Code == d.ComponentCode)?.Name })],
            Fees: fees,
            ProcessingTime: procedure.ProcessingTimeFor(channel) is { } term ? new ProcessingTerm(term.Amount, term.Unit switch
            {
                ProcessingUnit.WorkingDays => "working-days",
                ProcessingUnit.CalendarDays => "calendar-days",
                _ => "working-hours",
            }) : null, ProcedureName: procedure.Content.Name, ReceivingUnitName: unit!.Name,
            // The version's fact travels with the dossier, so the index judges it by the version it was submitted under.
            PaperResult: procedure.Content.PaperResult,
            FieldCode: procedure.Content.FieldCode, FieldName: procedure.Content.Field);
        // Kept with its message id, so a consumer that lost it can have it again (ResendSubmission).
        var eventId = Guid.NewGuid();
        var response = new Response(code.Value, (int)DossierStatus.Submitted, now);
        var location = $"/api/v1/dossiers/{code}";
        // The last four writes need none of one another's results: one round trip.
        var writes = new WriteBatch(tx);
        DossierStore.KeepSubmission(writes, documents, submitted, eventId);
        Outbox.Enqueue(writes, submitted, typeof(DossierSubmitted), eventId);
        idempotency.Complete(writes, StatusCodes.Status201Created, response, location);
        AuditLog.Append(writes, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
            new AuditEntry("dossier.submit", code.Value, PersonalData: true, Detail: new { cases = request.Cases ?? [] }), now);
        await writes.ExecuteAsync(ct);
        await tx.CommitAsync(ct);
        accepted.Add(code.Value); // checked after a database failover: see Failover/LostAtFailoverCheck

        return TypedResults.Created(location, response);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[0-9A-Za-z]{1,20}(\.[0-9A-Za-z]{1,20}){0,5}\z")]
    private static partial System.Text.RegularExpressions.Regex ReceivingUnitPattern();
}
