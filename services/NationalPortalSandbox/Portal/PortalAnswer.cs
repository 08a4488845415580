using System.Text.Json.Serialization;

namespace Procedures.Sandbox.Portal;

/// <summary>
/// The portal's (and the payment platform's) answer to a partner's call: <c>error_code</c> "0" is success, anything else a
/// refusal with its message; HTTP 200 either way, 503 when the stand-in plays unavailable.
/// </summary>
public sealed record PortalAnswer([property: JsonPropertyName("error_code")] string ErrorCode, [property: JsonPropertyName("message")] string Message);
