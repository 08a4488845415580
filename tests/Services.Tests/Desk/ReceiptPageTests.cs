using System.Net;
using Procedures.Contracts;
using Procedures.Processing.Dossiers;

namespace Procedures.Services.Tests.Desk;

/// <summary>Form 01's printable page and its local choices, as pure functions.</summary>
[Trait("Kind", "Pure")]
public sealed class ReceiptPageTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-12-07T09:00:00+07:00");

    private static Receipt.Response Form(string? unitName, IReadOnlyList<DossierFee>? fees, string? componentName) => new("01",
        "26740.H29-261207-0001", "Võ Thị Em", "1.003677", "Khai báo tạm vắng", 1, "26740.H29", 1, At, At, At.AddDays(1),
        [new ReceivedDocument("TK01", "to-khai.pdf", false, componentName)], unitName, fees, fees?.Sum(f => f.AmountVnd) ?? 0,
        Receipt.CollectionPlace(unitName ?? "26740.H29", SubmissionChannel.InPerson));

    [Fact]
    public void Names_fees_and_the_place_of_collection_are_printed_and_an_older_dossier_falls_back_to_codes_and_unknown_fees()
    {
        var named = WebUtility.HtmlDecode(Receipt.Render(Form("Phường Sài Gòn", [new("LP01", "Lệ phí", 1_250_000)], "Tờ khai")));
        Assert.Contains("<span id=\"unit\">Phường Sài Gòn</span>", named);
        Assert.Contains("<td>Tờ khai</td>", named);
        Assert.Contains("<b id=\"fee\">1.250.000 đồng</b>", named);
        Assert.Contains("<span id=\"collection\">Bộ phận Một cửa Phường Sài Gòn</span>", named);

        var free = WebUtility.HtmlDecode(Receipt.Render(Form("Phường Sài Gòn", [], "Tờ khai")));
        Assert.Contains("<b id=\"fee\">Không thu / None</b>", free);

        var older = WebUtility.HtmlDecode(Receipt.Render(Form(null, null, null)));
        Assert.Contains("<span id=\"unit\">26740.H29</span>", older);
        Assert.Contains("<td>TK01</td>", older);
        Assert.Contains("<b id=\"fee\">Không rõ / Not recorded</b>", older);
    }

    [Theory]
    [InlineData(SubmissionChannel.InPerson, "Bộ phận Một cửa Phường Sài Gòn")]
    [InlineData(SubmissionChannel.Online, "Bộ phận Một cửa Phường Sài Gòn; kết quả điện tử gửi qua Cổng Dịch vụ công quốc gia")]
    [InlineData(SubmissionChannel.PublicPostal, "Bộ phận Một cửa Phường Sài Gòn; hoặc gửi qua dịch vụ bưu chính công ích theo yêu cầu")]
    public void The_result_is_collected_at_the_units_desk_and_online_or_by_post_as_the_channel_allows(SubmissionChannel channel, string expected)
        => Assert.Equal(expected, Receipt.CollectionPlace("Phường Sài Gòn", channel));
}
