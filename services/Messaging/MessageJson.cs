using System.Text.Json;

namespace Procedures.Messaging;

/// <summary>The one JSON shape for message bodies stored in the outbox and replayed by the relay.</summary>
public static class MessageJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>"Namespace.Type, Assembly": enough for the relay to find the type again, stable across versions.</summary>
    public static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
