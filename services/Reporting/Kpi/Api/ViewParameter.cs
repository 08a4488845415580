using Procedures.Reporting.Kpi.Indicators;
using Procedures.ServiceDefaults.OpenApi;

namespace Procedures.Reporting.Kpi.Api;

/// <summary>The <c>view</c> query parameter of the index and the scoreboard, as the OpenAPI document describes it.</summary>
internal static class ViewParameter
{
    public static RouteHandlerBuilder DocumentsView(this RouteHandlerBuilder endpoint)
        => endpoint.DocumentsQuery("view", IndexViews.Description, IndexViews.Names, IndexViews.Names[0], IndexViews.Names[1]);
}
