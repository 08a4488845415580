using System.Text.Json;
using Procedures.Contracts;
using Procedures.PortalSync.Ledger;
using Procedures.PortalSync.Portal;

namespace Procedures.Services.Tests.PortalSync;

/// <summary>The citizen-store pushes' rules, pure: one key per result, how the portal's answer lands.</summary>
[Trait("Kind", "Pure")]
public sealed class CitizenStorePlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 3, 0, 0, TimeSpan.Zero);
    private static readonly CitizenPush Push = new("D-1", "KQ-7", "Giấy phép", "files/kq-7.pdf", Now.AddHours(-1), 2, "001099012345", 1);

    [Fact]
    public void A_push_is_keyed_by_dossier_and_result_and_names_the_owner()
    {
        var request = CitizenStorePlanner.Request(Push);
        Assert.Equal("D-1:KQ-7:citizen-store", request.Key);
        var body = JsonSerializer.SerializeToElement(request.Payload);
        Assert.Equal(("001099012345", "KQ-7"), (body.GetProperty("SoGiayToChuHoSo").GetString(), body.GetProperty("MaGiayToKetQua").GetString()));
    }

    [Fact]
    public void Accepted_is_stored_with_ResultStoredForCitizen()
        => Assert.Equal(new PushStored("D-1", "KQ-7", Now, new ResultStoredForCitizen("D-1", "KQ-7", Now)),
            CitizenStorePlanner.Read(Push, new PortalAnswer("0", "ok"), Now, TimeSpan.FromSeconds(30), 0));

    [Fact]
    public void Refused_for_its_content_is_parked_as_failed()
        => Assert.Equal(new PushRejected("D-1", "KQ-7", Now, "5: unknown owner"),
            CitizenStorePlanner.Read(Push, new PortalAnswer("5", "unknown owner"), Now, TimeSpan.FromSeconds(30), 0));

    [Fact]
    public void A_transient_failure_backs_off_by_the_attempts_so_far()
        => Assert.Equal(new PushPostponed("D-1", "KQ-7", Now, "http-503: busy", TimeSpan.FromSeconds(1)),
            CitizenStorePlanner.Read(Push, new PortalAnswer("http-503", "busy"), Now, TimeSpan.FromSeconds(30), 0));
}
