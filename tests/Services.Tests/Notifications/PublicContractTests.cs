using System.Text.Json.Nodes;
using Procedures.Contracts;
using Procedures.Notifications;
using Procedures.Notifications.Events;
using Procedures.Notifications.Stream;

namespace Procedures.Services.Tests.Notifications;

/// <summary>The AsyncAPI document and the schemas kept in the repository are the ones the service serves, and real events fit them.</summary>
[Trait("Kind", "Pure")]
public sealed class PublicContractTests
{
    private static readonly NotificationsOptions Defaults = new();

    [Fact]
    public void Committed_AsyncAPI_document_and_schemas_are_what_the_service_generates()
    {
        var generated = AsyncApiDocument.Build(Defaults).ToJsonString(AsyncApiDocument.Indented) + "\n";
        var schemas = EventCatalogue.All.ToDictionary(t => Path.Combine(PublicDocs.SchemaFolder, t.Type + ".json"),
            t => EventSchemas.For(t, new PublicLinks(Defaults)).ToJsonString(AsyncApiDocument.Indented) + "\n");
        if (Environment.GetEnvironmentVariable("PROCEDURES_WRITE_DOCS") == "1")
        {
            File.WriteAllText(PublicDocs.AsyncApiPath, generated);
            Directory.CreateDirectory(PublicDocs.SchemaFolder);
            foreach (var (path, text) in schemas) File.WriteAllText(path, text);
        }
        Assert.Equal(generated, File.ReadAllText(PublicDocs.AsyncApiPath));
        foreach (var (path, text) in schemas) Assert.Equal(text, File.ReadAllText(path));
        Assert.Equal(schemas.Count, Directory.GetFiles(PublicDocs.SchemaFolder, "*.json").Length);
    }

    [Fact]
    public void The_server_entry_names_the_configured_broker_address_and_protocol()
    {
        var server = AsyncApiDocument.Build(new NotificationsOptions { BrokerHost = "events.example.invalid:5671", BrokerProtocol = "amqps" })["servers"]!["public"]!;
        Assert.Equal("events.example.invalid:5671", (string?)server["host"]);
        Assert.Equal("amqps", (string?)server["protocol"]);
    }

    [Fact]
    public void Document_announces_every_type_once_and_types_are_versioned()
    {
        var docs = new PublicDocs();
        Assert.Equal(EventCatalogue.All.Select(t => t.Type).Order(), docs.MessageTypes.Order());
        Assert.All(docs.MessageTypes, t => Assert.Matches(@"^vn\.hcm\.procedures\.[a-z]+\.[a-z-]+\.v\d+$", t));
        Assert.Equal("procedures.public", docs.Exchange);
        Assert.Equal("application/cloudevents+json", docs.ContentType);
    }

    [Fact]
    public void Every_mapped_event_validates_against_its_published_schema_and_an_extra_personal_field_does_not()
    {
        var docs = new PublicDocs();
        var links = new PublicLinks(Defaults);
        var events = SampleEvents.All();
        Assert.Equal(EventCatalogue.All.Select(t => t.Type).Order(), events.Select(e => e.Type.Type).Distinct().Order());
        foreach (var e in events)
            Assert.True(docs.Validate(e.ToCloudEventJson(links)) is { Count: 0 } errors, $"{e.Type.Type}: {string.Join("; ", docs.Validate(e.ToCloudEventJson(links)))}");

        var leaked = JsonNode.Parse(events[0].ToCloudEventJson(links))!;
        leaked["data"]!["applicantName"] = "Nguyễn Văn A";
        Assert.NotEmpty(docs.Validate(leaked.ToJsonString()));
        var wrongType = JsonNode.Parse(events[1].ToCloudEventJson(links))!;
        wrongType["data"]!["status"] = 9;
        Assert.NotEmpty(docs.Validate(wrongType.ToJsonString()));
    }

    [Fact]
    public void CloudEvent_envelope_carries_id_source_subject_time_dataschema_and_a_details_link()
    {
        var e = SampleEvents.All()[1];
        var json = JsonNode.Parse(e.ToCloudEventJson(new PublicLinks(Defaults)))!;
        Assert.Equal("1.0", json["specversion"]!.GetValue<string>());
        Assert.Equal(e.Id.ToString(), json["id"]!.GetValue<string>());
        Assert.Equal("/procedures/processing", json["source"]!.GetValue<string>());
        Assert.Equal("vn.hcm.procedures.dossier.received.v1", json["type"]!.GetValue<string>());
        Assert.Equal(SampleEvents.Code, json["subject"]!.GetValue<string>());
        Assert.Equal("https://api.procedures.hcmc.gov.vn/notifications/schemas/vn.hcm.procedures.dossier.received.v1.json",
            json["dataschema"]!.GetValue<string>());
        Assert.Equal($"https://api.procedures.hcmc.gov.vn/intake/api/v1/dossiers/{Uri.EscapeDataString(SampleEvents.Code)}",
            json["data"]!["links"]!["details"]!.GetValue<string>());
        Assert.Equal(2, json["data"]!["status"]!.GetValue<int>());
        Assert.Equal("26740.H29", json["data"]!["receivingUnit"]!.GetValue<string>());
    }

    [Fact]
    public void Event_ids_are_stable_for_the_same_fact_and_differ_between_facts()
    {
        var first = SampleEvents.All();
        var again = SampleEvents.All();
        Assert.Equal(first.Select(e => e.Id), again.Select(e => e.Id));
        Assert.Equal(first.Count, first.Select(e => e.Id).Distinct().Count());
        Assert.Equal(8, first[0].Id.ToByteArray(bigEndian: true)[6] >> 4); // UUID version 8
    }

    [Fact]
    public void Routing_keys_are_three_words_with_dots_of_codes_as_underscores()
    {
        Assert.Equal("26740_H29.1_003677.dossier-received-v1", EventCatalogue.RoutingKey("26740.H29", "1.003677", EventCatalogue.Received));
        Assert.Equal("26740_H29.none.payment-failed-v1", EventCatalogue.RoutingKey("26740.H29", null, EventCatalogue.PaymentFailed));
    }

    [Fact]
    public void Apology_on_a_status_event_becomes_its_own_type_and_keeps_the_sequence()
    {
        var m = new DossierStatusChanged(SampleEvents.Code, 5, DossierStatus.InProcessing, SampleEvents.At, "Xin lỗi",
            Apology: new DossierApology("Chậm xác minh", "Trần Thị B", SampleEvents.At.AddDays(3), OnTime: true),
            ReceivingUnit: "26740.H29", ProcedureCode: "1.003677");
        var e = PublicEventMapping.From(m, null);
        Assert.Equal(EventCatalogue.ApologyIssued, e.Type);
        Assert.Equal(5, e.Sequence);
        Assert.True(e.IsStatus);
        Assert.DoesNotContain("Trần Thị B", e.ToCloudEventJson(new PublicLinks(Defaults)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_completion_request_becomes_its_own_type_with_its_due_date_fits_the_committed_schema_and_keeps_the_officers_text_out()
    {
        var due = SampleEvents.At.AddDays(7);
        var m = new DossierStatusChanged(SampleEvents.Code, 2, DossierStatus.Submitted, SampleEvents.At, "Bổ sung giấy chứng sinh",
            Actor: "Nguyễn Thị Hoa", CompletionRequest: new DossierCompletionRequest(due), ReceivingUnit: "26740.H29", ProcedureCode: "1.003677");
        var e = PublicEventMapping.From(m, null);
        Assert.Equal(EventCatalogue.CompletionRequested, e.Type);
        Assert.Equal((2L, true), (e.Sequence, e.IsStatus));
        var json = e.ToCloudEventJson(new PublicLinks(Defaults));
        Assert.Equal(due.ToUniversalTime(), JsonNode.Parse(json)!["data"]!["completionDueAt"]!.GetValue<DateTimeOffset>());
        Assert.Empty(new PublicDocs().Validate(json));
        Assert.DoesNotContain("Nguyễn Thị Hoa", json, StringComparison.Ordinal);
        Assert.DoesNotContain("chứng sinh", json, StringComparison.Ordinal);
    }
}
