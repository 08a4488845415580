using System.Text.Json;
using Procedures.Contracts;

namespace Procedures.ServiceDefaults;

/// <summary>
/// The JSON every answer is written with (web defaults, instants in Vietnam time), also for what is written once and
/// answered later (an idempotent request's stored reply) and for the examples in the API documents, so all three agree.
/// </summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new VietnamTimeJsonConverter());
        return options;
    }
}
