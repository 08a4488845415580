using Microsoft.AspNetCore.OpenApi;

namespace Procedures.ServiceDefaults.OpenApi;

/// <summary>
/// How every service describes itself: unique schema names, the OAuth 2.0 scheme and each operation's scopes, the
/// Idempotency-Key header, the query parameters endpoints describe, every error status with the one problem schema, and
/// the examples endpoints declare. Agency systems generate their clients from this document, so it must say exactly what
/// the code does (docs/openapi/ holds the committed copies a test compares with what is served).
/// </summary>
internal static class OpenApiSetup
{
    public static void Configure(OpenApiOptions options)
    {
        options.CreateSchemaReferenceId = new SchemaIds().Create;
        options.AddDocumentTransformer(SecurityDocumentation.DocumentScheme);
        options.AddDocumentTransformer(ProblemDocumentation.AddSchemas);
        options.AddDocumentTransformer(SchemaRules.Apply);
        options.AddSchemaTransformer(InstantSchemas.Apply);
        options.AddSchemaTransformer(CodeListDocumentation.Apply);
        options.AddOperationTransformer(BodyDocumentation.Document); // first: the error statuses depend on whether there is a body
        options.AddOperationTransformer(SecurityDocumentation.DocumentRequirement);
        options.AddOperationTransformer(ProblemDocumentation.Document);
        options.AddOperationTransformer(IdempotencyKeyDocumentation.Document);
        options.AddOperationTransformer(QueryParameterDocumentation.Document);
        OpenApiExamples.AddExampleTransformer(options);
    }
}
