using Procedures.Contracts;
using Procedures.Notifications.Events;

namespace Procedures.Services.Tests.Notifications;

/// <summary>
/// DossierSynced names its route, so the public stream files it by agency even when no status event of the dossier has
/// arrived yet (before, it went back to the queue through a redelivery until one had).
/// </summary>
public sealed class SyncedRouteTests
{
    private const string Code = SampleEvents.Code;
    private static readonly DateTimeOffset At = SampleEvents.At;

    [Fact]
    public void An_acknowledgement_that_names_its_route_maps_without_a_known_route()
    {
        var e = PublicEventMapping.From(new DossierSynced(Code, 2, At, "26740.H29", "26737.H29", "1.003677"), known: null);

        Assert.NotNull(e);
        Assert.Equal(["26740.H29", "26737.H29"], e.Route.Agencies);
        Assert.Equal("1.003677", e.Route.ProcedureCode);
        Assert.Equal((Code, 2L), (e.DossierCode, e.Sequence));
    }

    [Fact]
    public void The_route_known_from_the_status_events_comes_first_and_an_old_acknowledgement_without_one_still_waits()
    {
        var known = DossierRoute.Of("26740.H29", "26750.H29", "1.003677");
        Assert.Equal(known.Agencies, PublicEventMapping.From(new DossierSynced(Code, 2, At, "26740.H29", "26737.H29", "1.003677"), known)!.Route.Agencies);
        Assert.Null(PublicEventMapping.From(new DossierSynced(Code, 2, At), known: null));
    }
}
