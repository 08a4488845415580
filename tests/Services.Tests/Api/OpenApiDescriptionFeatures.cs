// Features shaped like the services' (a static class per feature, its Request and Response nested), for OpenApiDescriptionTests.
namespace Procedures.Services.Tests.Api.Features
{
    public static class Submit
    {
        public sealed record Request(string? Name, int Count);
    }

    public static class Certify
    {
        public sealed record Request(Guid DocumentId, string? Officer);

        public sealed record Response(Guid Id, System.Text.Json.JsonElement? Receipt);
    }
}

namespace Procedures.Services.Tests.Api.Other
{
    /// <summary>A second feature named like the first: its request must not take the first one's schema name.</summary>
    public static class Submit
    {
        public sealed record Request(string? Other);
    }
}
