using System.Text.Json.Nodes;

namespace Procedures.Notifications.Events;

/// <summary>
/// A JSON Schema (2020-12) per public event type, for the whole CloudEvent: envelope attributes and thin data. Data
/// allows no other member, so a field that should not be public (a name, an ID number) fails validation.
/// </summary>
public static class EventSchemas
{
    public const string Dialect = "https://json-schema.org/draft/2020-12/schema";

    public static JsonObject For(EventType type, PublicLinks? links = null)
    {
        var schema = new JsonObject
        {
            ["$schema"] = Dialect,
            ["title"] = type.Type,
            ["description"] = type.Description,
            ["type"] = "object",
            ["required"] = Strings("specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema", "data"),
            ["properties"] = new JsonObject
            {
                ["specversion"] = new JsonObject { ["const"] = "1.0" },
                ["id"] = new JsonObject { ["type"] = "string", ["format"] = "uuid", ["description"] = "Unique; the same on every redelivery: use it to deduplicate." },
                ["source"] = new JsonObject { ["type"] = "string", ["format"] = "uri-reference", ["description"] = "The emitting service." },
                ["type"] = new JsonObject { ["const"] = type.Type },
                ["subject"] = new JsonObject { ["type"] = "string", ["minLength"] = 1, ["description"] = "The dossier code." },
                ["time"] = DateTime(),
                ["datacontenttype"] = new JsonObject { ["const"] = "application/json" },
                ["dataschema"] = new JsonObject { ["type"] = "string", ["format"] = "uri" },
                ["data"] = Data(type),
            },
        };
        if (links is not null) schema["$id"] = links.Schema(type).ToString();
        return schema;
    }

    private static JsonObject Data(EventType type)
    {
        var properties = new JsonObject
        {
            ["dossierCode"] = new JsonObject { ["type"] = "string", ["minLength"] = 1 },
            ["receivingUnit"] = new JsonObject { ["type"] = "string", ["description"] = "The receiving desk's agency code." },
            ["decidingAgency"] = new JsonObject { ["type"] = "string", ["description"] = "The agency deciding the dossier (may differ from the desk)." },
            ["procedureCode"] = Nullable("string"),
            ["links"] = new JsonObject
            {
                ["type"] = "object",
                ["required"] = Strings("details"),
                ["additionalProperties"] = false,
                ["properties"] = new JsonObject
                {
                    ["details"] = new JsonObject { ["type"] = "string", ["format"] = "uri", ["description"] = "The dossier's details; needs the agency's own access token." },
                },
            },
        };
        var required = new List<string> { "dossierCode", "receivingUnit", "decidingAgency", "procedureCode", "links" };
        void Add(string name, JsonObject schema, bool isRequired = true)
        {
            properties[name] = schema;
            if (isRequired) required.Add(name);
        }

        switch (type.Shape)
        {
            case DataShape.Status or DataShape.Apology or DataShape.CompletionRequest:
                Add("sequence", new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["description"] = "The dossier's event sequence: events of a dossier arrive in this order, never lower than one already sent." });
                Add("status", type.Status is { } s ? new JsonObject { ["const"] = (int)s } : new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 10 });
                Add("statusName", type.Status is { } n ? new JsonObject { ["const"] = PublicEventMapping.StatusName(n) } : new JsonObject { ["type"] = "string" });
                Add("occurredAt", DateTime());
                Add("receivedAt", NullableDateTime());
                Add("appointmentAt", NullableDateTime());
                Add("originalAppointmentAt", NullableDateTime());
                if (type.Shape == DataShape.Apology)
                {
                    Add("newAppointmentAt", DateTime());
                    Add("onTime", new JsonObject { ["type"] = "boolean" });
                }
                if (type.Shape == DataShape.CompletionRequest)
                    Add("completionDueAt", new JsonObject { ["type"] = "string", ["format"] = "date-time",
                        ["description"] = "The dossier is refused if it is not completed by then." });
                break;
            case DataShape.Synced:
                Add("sequence", new JsonObject { ["type"] = "integer", ["minimum"] = 1,
                    ["description"] = "Acknowledged up to this status sequence; never lower than in an earlier dossier.synced of the same dossier." });
                Add("acknowledgedAt", DateTime());
                break;
            case DataShape.Deadline:
                Add("dueAt", DateTime());
                Add("raisedAt", DateTime());
                break;
            case DataShape.PaymentSucceeded:
                Add("reference", new JsonObject { ["type"] = "string" });
                Add("amountVnd", new JsonObject { ["type"] = "integer", ["minimum"] = 0 });
                Add("paidAt", DateTime());
                Add("paidOnline", new JsonObject { ["enum"] = new JsonArray(1, 2), ["description"] = "1 national portal, 2 local gateway." });
                break;
            case DataShape.PaymentFailed:
                Add("reference", new JsonObject { ["type"] = "string" });
                Add("reason", new JsonObject { ["type"] = "string", ["maxLength"] = 200 });
                Add("failedAt", DateTime());
                break;
            case DataShape.PaymentRefunded:
                Add("reference", new JsonObject { ["type"] = "string" });
                Add("amountVnd", new JsonObject { ["type"] = "integer", ["minimum"] = 0 });
                Add("reason", new JsonObject { ["type"] = "string", ["maxLength"] = 200 });
                Add("refundedAt", DateTime());
                break;
            case DataShape.RatingLink:
                Add("sequence", new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["description"] = "The status event of the return (status 10)." });
                Add("ratingLink", new JsonObject { ["type"] = "string", ["format"] = "uri-reference", ["minLength"] = 1,
                    ["description"] = "The signed page where the applicant rates the handling; whoever holds it can rate once, so send it to the applicant only." });
                Add("expiresAt", DateTime());
                Add("issuedAt", DateTime());
                break;
        }
        return new JsonObject
        {
            ["type"] = "object",
            ["required"] = Strings([.. required]),
            ["additionalProperties"] = false,
            ["properties"] = properties,
        };
    }

    private static JsonObject DateTime() => new() { ["type"] = "string", ["format"] = "date-time" };

    private static JsonObject NullableDateTime() => new() { ["type"] = Strings("string", "null"), ["format"] = "date-time" };

    private static JsonObject Nullable(string type) => new() { ["type"] = Strings(type, "null") };

    private static JsonArray Strings(params string[] values) => new([.. values.Select(v => (JsonNode)v)]);
}
