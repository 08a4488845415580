using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Processing.Dossiers;

/// <summary>
/// Form 01 (Circular 01/2018/TT-VPCP): "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", issued once the desk accepts the
/// dossier. JSON for agency systems, and a printable HTML page for the desk. It names the applicant: reads are audited.
/// </summary>
public static class Receipt
{
    /// <summary>
    /// The form's content. <see cref="ReceivingUnitName"/> and the documents' <c>componentName</c> are null for a dossier
    /// recorded before names were carried (the codes stand in), <see cref="Fees"/> too (not known, rather than none: an
    /// empty list is "no fee"); <see cref="FeeTotalVnd"/> sums <see cref="Fees"/>.
    /// </summary>
    public sealed record Response(string Form, string DossierCode, string ApplicantName, string ProcedureCode, string? ProcedureName,
        int? ProcedureVersion, string ReceivingUnit, [property: CodeList(typeof(SubmissionChannel))] int Channel, DateTimeOffset SubmittedAt, DateTimeOffset ReceivedAt,
        DateTimeOffset AppointmentAt, IReadOnlyList<ReceivedDocument> Documents, string? ReceivingUnitName = null,
        IReadOnlyList<DossierFee>? Fees = null, long FeeTotalVnd = 0, string? CollectionPlace = null);

    public static IEndpointRouteBuilder MapReceipt(this IEndpointRouteBuilder app)
    {
        app.MapGet("/{code}/receipt", JsonAsync).WithName("DossierReceipt").ProducesProblems(409, "not-received")
            .WithSummary("Form 01: receipt and appointment (JSON)")
            .RequireScope(Scopes.Reception, Scopes.Processing)
            .WithExamples(null, new Response("01", "26740.H29-261129-0001", "Nguyễn Văn An", "1.003677", "Đăng ký khai sinh", 1, "26740.H29", 1,
                DateTimeOffset.Parse("2026-11-29T08:10:00+07:00"), DateTimeOffset.Parse("2026-11-29T09:00:00+07:00"),
                DateTimeOffset.Parse("2026-12-02T17:00:00+07:00"), [new("TK01", "to-khai.pdf", false, "Tờ khai đăng ký khai sinh")],
                "Phường Sài Gòn", [new("LP01", "Lệ phí đăng ký khai sinh", 8000)], 8000,
                "Bộ phận Một cửa Phường Sài Gòn"));
        app.MapGet("/{code}/receipt.html", HtmlAsync).WithName("DossierReceiptPrintable").Produces(StatusCodes.Status200OK, contentType: "text/html").ProducesProblems(409, "not-received")
            .WithSummary("Form 01: receipt and appointment (printable HTML)")
            .RequireScope(Scopes.Reception, Scopes.Processing);
        return app;
    }

    private static async Task<Results<Ok<Response>, NotFound, ProblemHttpResult>> JsonAsync(
        string code, Caller caller, HttpContext http, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var (receipt, problem) = await LoadAsync(code, caller, http, db, time, ct);
        if (problem is not null) return problem;
        return receipt is null ? TypedResults.NotFound() : TypedResults.Ok(receipt);
    }

    private static async Task<Results<ContentHttpResult, NotFound, ProblemHttpResult>> HtmlAsync(
        string code, Caller caller, HttpContext http, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var (receipt, problem) = await LoadAsync(code, caller, http, db, time, ct);
        if (problem is not null) return problem;
        if (receipt is null) return TypedResults.NotFound();
        // The page carries its own small stylesheet and nothing else: no scripts, no external loads.
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";
        return TypedResults.Text(Render(receipt), "text/html; charset=utf-8");
    }

    private static async Task<(Response?, ProblemHttpResult?)> LoadAsync(
        string code, Caller caller, HttpContext http, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition($"""
            SELECT code, applicant_name AS ApplicantName, procedure_code AS ProcedureCode, procedure_name AS ProcedureName,
                   procedure_version AS ProcedureVersion, receiving_unit AS ReceivingUnit, channel, submitted_at AS SubmittedAt,
                   received_at AS ReceivedAt, original_appointment_at AS AppointmentAt, documents,
                   receiving_unit_name AS ReceivingUnitName, fees
            FROM dossiers WHERE code = @code AND {DossierRecords.VisibleToCaller}
            """, new { code, agency = caller.Agency, all = caller.SeesAllAgencies }, tx, cancellationToken: ct));
        if (row is null)
        {
            await ForeignResources.MarkDossierAsync(connection, tx, http, caller, code, ct);
            return (null, null);
        }
        if (row.ReceivedAt is null || row.AppointmentAt is null)
            return (null, Problems.Of(StatusCodes.Status409Conflict, "not-received", "Hồ sơ chưa được tiếp nhận",
                "The receipt is issued when the dossier is accepted; this one has not been"));
        await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
            new AuditEntry("dossier.receipt", code, PersonalData: true), time.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
        var fees = row.Fees is null ? null : JsonSerializer.Deserialize<List<DossierFee>>(row.Fees, MessageJson.Options);
        return (new Response("01", row.Code, row.ApplicantName ?? "", row.ProcedureCode, row.ProcedureName, row.ProcedureVersion,
            row.ReceivingUnit, row.Channel, row.SubmittedAt, row.ReceivedAt.Value, row.AppointmentAt.Value,
            JsonSerializer.Deserialize<List<ReceivedDocument>>(row.Documents, MessageJson.Options) ?? [], row.ReceivingUnitName, fees,
            fees?.Sum(f => f.AmountVnd) ?? 0, CollectionPlace(row.ReceivingUnitName ?? row.ReceivingUnit, (SubmissionChannel)row.Channel)), null);
    }

    /// <summary>
    /// Where the result is collected (local choice, docs/architecture.md "Desk pages"): at the one-stop desk of the receiving
    /// unit; an online dossier also gets an electronic result through the national portal, a postal one may have it posted.
    /// </summary>
    public static string CollectionPlace(string unit, SubmissionChannel channel) => $"Bộ phận Một cửa {unit}" + channel switch
    {
        SubmissionChannel.Online => "; kết quả điện tử gửi qua Cổng Dịch vụ công quốc gia",
        SubmissionChannel.PublicPostal => "; hoặc gửi qua dịch vụ bưu chính công ích theo yêu cầu",
        _ => "",
    };

    /// <summary>Whole VND as the form writes it: dot-grouped thousands, "đồng".</summary>
    public static string Vnd(long amount) => amount.ToString("#,0", CultureInfo.InvariantCulture).Replace(',', '.') + " đồng";

    /// <summary>A self-contained A4 page (no external assets): every value HTML-encoded, dates in Vietnam time.</summary>
    public static string Render(Response r)
    {
        static string E(string? s) => HtmlEncoder.Default.Encode(s ?? "");
        static string D(DateTimeOffset d) => VietnamTime.ToVietnam(d).ToString("HH 'giờ' mm 'phút, ngày' dd/MM/yyyy", CultureInfo.InvariantCulture);
        var rows = new StringBuilder();
        foreach (var (doc, i) in r.Documents.Select((d, i) => (d, i + 1)))
            rows.Append(CultureInfo.InvariantCulture, $"<tr><td>{i}</td><td>{E(doc.ComponentName ?? doc.ComponentCode)}</td><td>{E(doc.FileName)}</td><td>{(doc.Reused ? "Tái sử dụng / Reused" : "Nộp mới / Submitted")}</td></tr>");
        var fees = new StringBuilder();
        foreach (var fee in r.Fees ?? [])
            fees.Append(CultureInfo.InvariantCulture, $"<li>{E(fee.Name)}: {Vnd(fee.AmountVnd)}</li>");
        return $$"""
            <!DOCTYPE html>
            <html lang="vi"><head><meta charset="utf-8"><title>Giấy tiếp nhận hồ sơ {{E(r.DossierCode)}}</title>
            <style>body{font-family:"Times New Roman",serif;max-width:19cm;margin:1cm auto;font-size:13pt}h1{text-align:center;font-size:15pt}
            table{border-collapse:collapse;width:100%}td,th{border:1px solid #000;padding:4px}.en{color:#444;font-size:10pt}</style></head><body>
            <p style="text-align:center"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br>Độc lập - Tự do - Hạnh phúc</p>
            <h1>GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ<br><span class="en">Receipt and appointment (form 01)</span></h1>
            <p>Mã hồ sơ <span class="en">(dossier code)</span>: <b id="code">{{E(r.DossierCode)}}</b></p>
            <p>Bộ phận tiếp nhận <span class="en">(receiving unit)</span>: <span id="unit">{{E(r.ReceivingUnitName ?? r.ReceivingUnit)}}</span></p>
            <p>Tiếp nhận hồ sơ của <span class="en">(applicant)</span>: <b>{{E(r.ApplicantName)}}</b></p>
            <p>Thủ tục <span class="en">(procedure)</span>: {{E(r.ProcedureCode)}} — {{E(r.ProcedureName)}}</p>
            <p>Thành phần hồ sơ <span class="en">(documents received)</span>:</p>
            <table><tr><th>TT</th><th>Thành phần hồ sơ</th><th>Tệp</th><th>Hình thức</th></tr>{{rows}}</table>
            <p>Phí, lệ phí <span class="en">(fees)</span>: <b id="fee">{{(r.Fees is null ? "Không rõ / Not recorded" : r.FeeTotalVnd > 0 ? Vnd(r.FeeTotalVnd) : "Không thu / None")}}</b></p>
            {{(fees.Length > 0 ? $"<ul>{fees}</ul>" : "")}}
            <p>Thời gian tiếp nhận <span class="en">(received at)</span>: {{D(r.ReceivedAt)}}</p>
            <p>Thời gian trả kết quả <span class="en">(appointment)</span>: <b id="appointment">{{D(r.AppointmentAt)}}</b></p>
            <p>Nơi trả kết quả <span class="en">(place of collection)</span>: <span id="collection">{{E(r.CollectionPlace)}}</span></p>
            </body></html>
            """;
    }

    private sealed record Row(string Code, string? ApplicantName, string ProcedureCode, string? ProcedureName, int? ProcedureVersion,
        string ReceivingUnit, short Channel, DateTimeOffset SubmittedAt, DateTimeOffset? ReceivedAt, DateTimeOffset? AppointmentAt,
        string Documents, string? ReceivingUnitName, string? Fees);
}
