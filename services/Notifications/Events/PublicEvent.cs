using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Procedures.Contracts;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace Procedures.Notifications.Events;

/// <summary>Whose a dossier's events are: the receiving unit and the deciding agency (they can differ), and its procedure.</summary>
public sealed record DossierRoute(IReadOnlyList<string> Agencies, string? ProcedureCode)
{
    public static DossierRoute Of(string? receivingUnit, string? decidingAgency, string? procedureCode)
        => new(new[] { receivingUnit, decidingAgency }.Where(a => !string.IsNullOrEmpty(a)).Select(a => a!).Distinct().ToList(), procedureCode);

    public string? ReceivingUnit => Agencies.Count > 0 ? Agencies[0] : null;
    public string? DecidingAgency => Agencies.Count > 1 ? Agencies[1] : ReceivingUnit;
}

/// <summary>
/// A public event before it is logged: its stable id (the same internal fact always gives the same id, so a
/// redelivered message is recognised and a webhook receiver can use it as its idempotency key), its type, the
/// dossier it is about, the Processing sequence that orders it, and its thin data (no personal data).
/// </summary>
public sealed record PublicEvent(Guid Id, EventType Type, string Source, string DossierCode, DateTimeOffset Time, long? Sequence,
    bool IsStatus, DossierRoute Route, JsonObject Data)
{
    /// <summary>A deterministic UUID (version 8, RFC 9562) from a name: the fact that produced the event.</summary>
    public static Guid StableId(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("procedures-public-event:" + name));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>The CloudEvents 1.0 structured-mode JSON (application/cloudevents+json), built with the CloudNative SDK.</summary>
    public string ToCloudEventJson(PublicLinks links)
    {
        var data = (JsonObject)Data.DeepClone();
        data["dossierCode"] = DossierCode;
        data["receivingUnit"] = Route.ReceivingUnit;
        data["decidingAgency"] = Route.DecidingAgency;
        data["procedureCode"] = Route.ProcedureCode;
        data["links"] = new JsonObject { ["details"] = links.DossierDetails(DossierCode) };
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = Id.ToString(),
            Source = new Uri(Source, UriKind.RelativeOrAbsolute),
            Type = Type.Type,
            Subject = DossierCode,
            Time = Time.ToVietnam(), // shown as Vietnam time, like every instant at the edges (VietnamTime)
            DataContentType = "application/json",
            DataSchema = links.Schema(Type),
            Data = JsonSerializer.SerializeToElement(data),
        };
        return Encoding.UTF8.GetString(Formatter.EncodeStructuredModeMessage(cloudEvent, out _).Span);
    }

    private static readonly JsonEventFormatter Formatter = new();
}

/// <summary>Where integrators fetch what an event only points to: the dossier's details (with their own token) and the schemas.</summary>
public sealed class PublicLinks(NotificationsOptions options)
{
    public string DossierDetails(string code) => options.DossierDetailsUrl.Replace("{code}", Uri.EscapeDataString(code), StringComparison.Ordinal);

    public Uri Schema(EventType type) => new($"{options.PublicBaseUrl.TrimEnd('/')}/schemas/{type.Type}.json");
}
