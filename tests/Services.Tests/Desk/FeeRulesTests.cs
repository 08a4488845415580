using System.Net;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Desk;

/// <summary>
/// Issue 21 on real Postgres, through Processing's API and consumers: the fee a dossier owes comes from DossierSubmitted;
/// payment is asked for only while it is due, the dossier is decided only once it is paid (online or at the desk) or
/// waived; a dossier waiting for payment can be stopped or withdrawn, and one not yet received withdrawn.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class FeeRulesTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private static readonly DateTimeOffset Monday = DateTimeOffset.Parse("2026-12-07T09:00:00+07:00");
    private ProcessingHost _host = null!;

    public async Task InitializeAsync() => _host = await ProcessingHost.StartAsync(infra, Monday);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<string> ProcessingAsync(long feeVnd)
    {
        var code = await _host.SubmitAsync(feeVnd: feeVnd);
        await _host.ActOkAsync(code, "accept");
        await _host.ActOkAsync(code, "start-processing");
        return code;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> ActAsync(string code, string action, string content = "Thao tác")
    {
        using var response = await _host.ActAsync(code, action, new { officer = "Nguyễn Thị Hoa", content });
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task A_dossier_without_fees_is_never_sent_to_wait_for_payment_and_is_decided_at_once()
    {
        var code = await ProcessingAsync(feeVnd: 0);

        var (status, problem) = await ActAsync(code, "request-payment");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("urn:procedures:problem:no-fees-due", problem.GetProperty("type").GetString());
        Assert.Equal(4, problem.GetProperty("currentStatus").GetInt32());
        Assert.Equal(4, await _host.ScalarAsync<short>("SELECT status FROM dossiers WHERE code = @code", new { code }));
        Assert.Equal(9, (await _host.ActOkAsync(code, "decide")).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_fee_bearing_dossier_is_not_decided_while_its_fee_is_due_and_is_once_the_fee_is_waived_with_a_reason()
    {
        var code = await ProcessingAsync(feeVnd: 20_000);

        var (status, problem) = await ActAsync(code, "decide");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("urn:procedures:problem:fee-unpaid", problem.GetProperty("type").GetString());
        Assert.Equal(4, await _host.ScalarAsync<short>("SELECT status FROM dossiers WHERE code = @code", new { code }));

        var waived = await _host.ActOkAsync(code, "waive-fee", new { officer = "Lê Văn Cường", content = "Hộ nghèo: miễn lệ phí" });
        Assert.Equal((4, 4L), (waived.GetProperty("status").GetInt32(), waived.GetProperty("sequence").GetInt64()));
        var history = (await _host.PublishedAsync<DossierStatusChanged>(e => e.DossierCode == code)).Last();
        Assert.Equal(("Hộ nghèo: miễn lệ phí", "Lê Văn Cường"), (history.Content, history.Actor));
        var audited = await _host.ScalarAsync<string>(
            "SELECT detail::text FROM audit.entries WHERE action = 'dossier.waive-fee' AND resource = @code", new { code });
        Assert.Contains("Hộ nghèo: miễn lệ phí", JsonDocument.Parse(audited).RootElement.GetProperty("reason").GetString());
        Assert.Equal(20_000, JsonDocument.Parse(audited).RootElement.GetProperty("feesVnd").GetInt64());

        Assert.Equal("urn:procedures:problem:no-fees-due", (await ActAsync(code, "waive-fee")).Body.GetProperty("type").GetString()); // once
        Assert.Equal(9, (await _host.ActOkAsync(code, "decide")).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_fee_paid_at_the_desk_brings_a_waiting_dossier_back_to_processing_not_paid_online_and_lets_it_be_decided()
    {
        var code = await ProcessingAsync(feeVnd: 20_000);
        await _host.ActOkAsync(code, "request-payment");

        await _host.Harness.Bus.Publish(new PaymentRecordedAtDesk(code, "REF-DESK", "REF-DESK", DeskPaymentMethod.Cash, 20_000, _host.Time.Now,
            "Nguyễn Thị Hoa"));

        var moved = await Eventually.Until(async () => await _host.PublishedAsync<DossierStatusChanged>(e => e.DossierCode == code && e.Sequence == 5),
            l => l.Count == 1, TimeSpan.FromSeconds(20), "the dossier to move 6 → 4");
        Assert.Equal((DossierStatus.InProcessing, (int?)null), (moved[0].Status, moved[0].PaidOnline));
        Assert.Contains("REF-DESK", moved[0].Content);
        Assert.Equal("urn:procedures:problem:no-fees-due", (await ActAsync(code, "request-payment")).Body.GetProperty("type").GetString());
        Assert.Equal(9, (await _host.ActOkAsync(code, "decide")).GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("stop", 8)]
    [InlineData("withdraw", 7)]
    public async Task A_dossier_waiting_for_payment_can_be_stopped_or_withdrawn(string action, int target)
    {
        var code = await ProcessingAsync(feeVnd: 20_000);
        await _host.ActOkAsync(code, "request-payment");

        Assert.Equal(target, (await _host.ActOkAsync(code, action)).GetProperty("status").GetInt32());
        Assert.NotNull(await _host.ScalarAsync<DateTimeOffset?>("SELECT ended_at FROM dossiers WHERE code = @code", new { code }));
    }

    [Fact]
    public async Task A_dossier_not_yet_received_can_be_withdrawn()
    {
        var code = await _host.SubmitAsync();

        Assert.Equal(7, (await _host.ActOkAsync(code, "withdraw")).GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, (await ActAsync(code, "accept")).Status);
    }
}
