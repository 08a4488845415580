using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Procedures.Notifications.Events;

namespace Procedures.Notifications.Stream;

/// <summary>
/// The AsyncAPI 3.0 description of the public stream, generated from <see cref="EventCatalogue"/> and
/// <see cref="EventSchemas"/> (no AsyncAPI library is served here). Served at /asyncapi.json; the copy kept in the
/// repository (docs/asyncapi.json) is this document with the default options, and a test keeps the two equal.
/// </summary>
public static class AsyncApiDocument
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static JsonObject Build(NotificationsOptions options)
    {
        var links = new PublicLinks(options);
        var messages = new JsonObject();
        var schemas = new JsonObject();
        var channelMessages = new JsonObject();
        var operationMessages = new JsonArray();
        foreach (var type in EventCatalogue.All)
        {
            var key = type.Type;
            schemas[key] = EventSchemas.For(type);
            messages[key] = new JsonObject
            {
                ["name"] = key,
                ["title"] = type.Type,
                ["summary"] = type.Description,
                ["contentType"] = "application/cloudevents+json",
                ["payload"] = new JsonObject { ["$ref"] = $"#/components/schemas/{key}" },
                ["bindings"] = new JsonObject
                {
                    ["amqp"] = new JsonObject { ["messageType"] = type.Type, ["contentEncoding"] = "utf-8", ["bindingVersion"] = "0.3.0" },
                },
                ["externalDocs"] = new JsonObject { ["url"] = links.Schema(type).ToString(), ["description"] = "JSON Schema of the event" },
            };
            channelMessages[key] = new JsonObject { ["$ref"] = $"#/components/messages/{key}" };
            operationMessages.Add(new JsonObject { ["$ref"] = $"#/channels/dossierEvents/messages/{key}" });
        }
        return new JsonObject
        {
            ["asyncapi"] = "3.0.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Procedures public dossier events",
                ["version"] = "1.0.0",
                ["description"] = """
                    Dossier events of Ho Chi Minh City's administrative procedures as CloudEvents 1.0 (JSON structured mode).
                    Each agency gets its own broker user (POST /api/v1/stream/credentials, scope `webhooks`): it may declare and bind queues
                    named with its prefix, and bind them to the exchange only with routing keys that start with its own agency word.
                    Routing key: `{agency}.{procedure}.{event}` where codes have dots replaced by underscores (26740.H29 → 26740_H29)
                    and event is the type's name with dashes (dossier-received-v1). An event concerning two agencies (receiving desk
                    and deciding agency) is published once under each. Delivery is at least once: deduplicate by `id`.
                    Ordering, per dossier, on this exchange and to every webhook subscription alike: status events arrive in the order
                    of data.sequence (1, 2, 3…; a status whose predecessor has not come within 2 minutes goes without it); dossier.synced
                    ("acknowledged up to data.sequence N") comes after status N, and its N never goes down: an acknowledgement that would
                    carry a lower N than one already sent is superseded (kept in our log, never sent: the higher one implies it). Likewise
                    a status event arriving after a later one was sent is never sent. Deadline and payment events carry no sequence and
                    come after the status events released before them. A replayed webhook delivery (header procedures-replay) is outside
                    this order: it repeats an event already sent, with the same id.
                    A type never changes in place: a breaking change is a new version.
                    The same events can be received by webhook (REST subscriptions, Standard Webhooks signatures).
                    """,
            },
            ["defaultContentType"] = "application/cloudevents+json",
            ["servers"] = new JsonObject
            {
                ["public"] = new JsonObject
                {
                    ["host"] = options.BrokerHost,
                    ["protocol"] = options.BrokerProtocol,
                    ["protocolVersion"] = "0-9-1",
                    ["description"] = "RabbitMQ, virtual host '/'",
                    ["security"] = new JsonArray(new JsonObject { ["$ref"] = "#/components/securitySchemes/agencyUser" }),
                },
            },
            ["channels"] = new JsonObject
            {
                ["dossierEvents"] = new JsonObject
                {
                    ["address"] = "{agency}.{procedure}.{event}",
                    ["title"] = "Dossier events",
                    ["parameters"] = new JsonObject
                    {
                        ["agency"] = new JsonObject { ["description"] = "Agency code with dots as underscores; only your own may be bound." },
                        ["procedure"] = new JsonObject { ["description"] = "Procedure code with dots as underscores, or `none`." },
                        ["event"] = new JsonObject
                        {
                            ["description"] = "Event type word, e.g. dossier-received-v1.",
                            ["enum"] = new JsonArray([.. EventCatalogue.All.Select(t => (JsonNode)t.RoutingWord)]),
                        },
                    },
                    ["messages"] = channelMessages,
                    ["bindings"] = new JsonObject
                    {
                        ["amqp"] = new JsonObject
                        {
                            ["is"] = "routingKey",
                            ["exchange"] = new JsonObject
                            {
                                ["name"] = options.Exchange, ["type"] = "topic", ["durable"] = true, ["autoDelete"] = false, ["vhost"] = "/",
                            },
                            ["bindingVersion"] = "0.3.0",
                        },
                    },
                },
            },
            ["operations"] = new JsonObject
            {
                ["receiveDossierEvents"] = new JsonObject
                {
                    ["action"] = "receive",
                    ["channel"] = new JsonObject { ["$ref"] = "#/channels/dossierEvents" },
                    ["summary"] = "Bind a queue named with your prefix to the exchange with keys of your agency, e.g. `26740_H29.#`.",
                    ["messages"] = operationMessages,
                },
            },
            ["components"] = new JsonObject
            {
                ["messages"] = messages,
                ["schemas"] = schemas,
                ["securitySchemes"] = new JsonObject
                {
                    ["agencyUser"] = new JsonObject
                    {
                        ["type"] = "userPassword",
                        ["description"] = "The agency's broker user and password from POST /api/v1/stream/credentials.",
                    },
                },
            },
        };
    }

    public static IEndpointRouteBuilder MapPublicContract(this IEndpointRouteBuilder app)
    {
        app.MapGet("/asyncapi.json", (IOptions<NotificationsOptions> options)
                => Results.Text(Build(options.Value).ToJsonString(Indented), "application/json"))
            .AllowAnonymous().WithTags("Public contract").WithName("AsyncApi").WithSummary("AsyncAPI 3 document of the public event stream")
            .Produces<System.Text.Json.Nodes.JsonObject>(StatusCodes.Status200OK, "application/json");
        app.MapGet("/schemas/{type}.json", (string type, IOptions<NotificationsOptions> options)
                => EventCatalogue.Find(type) is { } t
                    ? Results.Text(EventSchemas.For(t, new PublicLinks(options.Value)).ToJsonString(Indented), "application/schema+json")
                    : Results.NotFound())
            .AllowAnonymous().WithTags("Public contract").WithName("EventSchema").WithSummary("JSON Schema of one public event type")
            .Produces<System.Text.Json.Nodes.JsonObject>(StatusCodes.Status200OK, "application/schema+json");
        return app;
    }
}
