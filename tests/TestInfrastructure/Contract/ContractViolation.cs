using System.Text;

namespace Procedures.TestInfrastructure.Contract;

/// <summary>
/// An answer that disagrees with the committed OpenAPI document of the service that gave it. <see cref="Template"/> is
/// the documented path template, or the request path itself when no template matched.
/// </summary>
/// <param name="Kind">undocumented-path, undocumented-method, undocumented-status, undocumented-media-type, invalid-json,
/// schema, or no-document (the service has no committed document).</param>
public sealed record ContractViolation(
    string Service, string Method, string Template, int Status, string? MediaType, string Kind, IReadOnlyList<string> Details, string BodySnippet)
{
    public const int ShownDetails = 5;

    public string Message
    {
        get
        {
            var text = new StringBuilder($"Contract violation ({Kind}): {Service} {Method} {Template} answered {Status}{(MediaType is null ? "" : " " + MediaType)}");
            foreach (var detail in Details.Take(ShownDetails)) text.Append("\n  - ").Append(detail);
            if (Details.Count > ShownDetails) text.Append($"\n  … and {Details.Count - ShownDetails} more");
            if (BodySnippet.Length > 0) text.Append("\n  body: ").Append(BodySnippet);
            text.Append($"\n  (document: docs/openapi/{Service}.json; CONTRACT_CHECK=report records instead of failing)");
            return text.ToString();
        }
    }

    /// <summary>The start of a body on one line, for messages.</summary>
    public static string Snippet(string? body, int max = 300)
    {
        if (string.IsNullOrEmpty(body)) return "";
        var flat = body.ReplaceLineEndings(" ");
        return flat.Length <= max ? flat : flat[..max] + "…";
    }
}

/// <summary>Fails the test whose request got a non-conforming answer (an assertion failure, so no catch for transport errors hides it).</summary>
public sealed class ContractViolationException(ContractViolation violation) : Xunit.Sdk.XunitException(violation.Message)
{
    public ContractViolation Violation { get; } = violation;
}
