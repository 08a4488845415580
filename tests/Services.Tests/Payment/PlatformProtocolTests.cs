using System.Text.Json.Nodes;
using Procedures.Contracts;
using Procedures.Payment.Platform;

namespace Procedures.Services.Tests.Payment;

/// <summary>MaXacThuc and the messages, against vectors computed by hand (printf '%s' 'fields|secret' | sha256sum).</summary>
[Trait("Kind", "Pure")]
public sealed class PlatformProtocolTests
{
    private const string Secret = "s3cret";
    private const string Partner = "HCM-H29-DEV";
    private static readonly DateTimeOffset RequestedAt = new(2026, 11, 29, 2, 30, 0, TimeSpan.Zero); // 09:30:00 in Vietnam

    [Fact]
    public void Query_checksum_is_the_sha256_of_the_fields_joined_by_bars_with_the_secret_last()
        => Assert.Equal("5018ea18c6eb466a0dbfd86b43ed43d0629f5b2f5a2a0ad823c566a27ee85455",
            PlatformMessages.About(PlatformProtocol.Query, "26740H29261129000120261129093000", RequestedAt.AddMinutes(5), Partner, Secret)["MaXacThuc"]!
                .GetValue<string>());

    [Fact]
    public void Init_message_carries_the_fields_in_order_and_its_checksum_covers_vietnamese_text_as_utf8()
    {
        var init = PlatformMessages.Init(new InitRequest("26740H29261129000120261129093000", 20000, RequestedAt, "26740.H29-261129-0001", "1.004222",
            "26740.H29", "Nguyễn Văn A", [new DossierFee("LP01", "Lệ phí đăng ký thường trú", 20000)]), Partner, Secret);

        Assert.Equal("8204bd2ed2e44d89a7d2835530bdbd6e4ab6f204ef20369dc8a81d6ccb8ae64d", init["MaXacThuc"]!.GetValue<string>());
        Assert.Equal(["INIT", "1.0.6", Partner, "26740H29261129000120261129093000", "20000", "20261129093000", "VND"],
            new[] { "LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "SoTien", "ThoiGianGD", "MaTienTe" }.Select(f => init[f]!.GetValue<string>()));
        var receipt = init["ThongTinBienLai"]!.AsObject();
        Assert.Equal("1.004222.01", receipt["MaDVC"]!.GetValue<string>());
        Assert.Equal("26740.H29-261129-0001", receipt["MaHoSo"]!.GetValue<string>());
        Assert.Equal("20000", receipt["PhiLePhi"]![0]!["SoTien"]!.GetValue<string>());
        Assert.True(PlatformProtocol.Verify(init, PlatformProtocol.InitFields, Secret));
    }

    private static JsonObject Callback() => new()
    {
        ["MaThamChieu"] = "26740H29261129000120261129093000", ["MaGiaoDich"] = "GD0123456789ABCDEF", ["SoTien"] = "20000", ["MaLoi"] = "00",
        ["ThoiGianGD"] = "20261129094512", ["MaXacThuc"] = "e58f9dae829a5dc668e61c45136ffd2fe4342e33970afbcc87d77bcee7179b4c",
    };

    [Fact]
    public void A_callback_signed_with_the_secret_verifies()
    {
        Assert.True(PlatformProtocol.Verify(Callback(), PlatformProtocol.CallbackFields, Secret));
        var upper = Callback();
        upper["MaXacThuc"] = upper["MaXacThuc"]!.GetValue<string>().ToUpperInvariant();
        Assert.True(PlatformProtocol.Verify(upper, PlatformProtocol.CallbackFields, Secret));
    }

    [Theory]
    [InlineData("SoTien", "2000")]
    [InlineData("MaLoi", "01")]
    [InlineData("MaGiaoDich", "GD0123456789ABCDEE")]
    [InlineData("MaThamChieu", "26740H29261129000220261129093000")]
    [InlineData("ThoiGianGD", "20261129094513")]
    [InlineData("MaXacThuc", "e58f9dae829a5dc668e61c45136ffd2fe4342e33970afbcc87d77bcee7179b4d")]
    public void A_callback_with_any_signed_field_changed_does_not_verify(string field, string value)
    {
        var tampered = Callback();
        tampered[field] = value;
        Assert.False(PlatformProtocol.Verify(tampered, PlatformProtocol.CallbackFields, Secret));
    }

    [Theory]
    [InlineData("MaXacThuc")]
    [InlineData("MaLoi")]
    public void A_callback_missing_the_checksum_or_a_signed_field_does_not_verify(string field)
    {
        var unsigned = Callback();
        unsigned.Remove(field);
        Assert.False(PlatformProtocol.Verify(unsigned, PlatformProtocol.CallbackFields, Secret));
    }

    [Fact]
    public void Another_secret_does_not_verify()
        => Assert.False(PlatformProtocol.Verify(Callback(), PlatformProtocol.CallbackFields, "s3cret2"));

    [Fact]
    public void Reference_is_the_dossier_code_without_punctuation_and_a_vietnam_time_stamp()
    {
        // 17:00:05 UTC on 28 Nov is 00:00:05 on 29 Nov in Vietnam.
        Assert.Equal("26740H292611290001" + "20261129000005",
            PlatformProtocol.Reference("26740.H29-261129-0001", new DateTimeOffset(2026, 11, 28, 17, 0, 5, TimeSpan.Zero)));
        Assert.True(PlatformProtocol.TryParseTimestamp("20261129000005", out var back));
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 17, 0, 5, TimeSpan.Zero), back);
    }

    [Theory]
    [InlineData("20000", true, 20000)]
    [InlineData("0", false, 0)]
    [InlineData("-5", false, 0)]
    [InlineData("20.000", false, 0)]
    [InlineData("２０", false, 0)]
    public void Amounts_are_whole_positive_vnd_in_ascii_digits(string text, bool ok, long vnd)
    {
        Assert.Equal(ok, PlatformProtocol.TryParseAmount(text, out var parsed));
        if (ok) Assert.Equal(vnd, parsed);
    }
}
