using Procedures.PortalSync.Portal;

namespace Procedures.Services.Tests;

[Trait("Kind", "Pure")]
public sealed class PortalAnswerTests
{
    [Theory]
    [InlineData("1", true)]          // the portal's own refusal code
    [InlineData("http-400", true)]
    [InlineData("http-404", true)]
    [InlineData("http-422", true)]
    [InlineData("http-408", false)]  // timeout: try again
    [InlineData("http-429", false)]  // throttled: try again later
    [InlineData("http-500", false)]
    [InlineData("http-503", false)]
    [InlineData("503", false)]
    [InlineData("0", false)]         // accepted is not a rejection
    public void Only_content_refusals_are_rejections_that_must_not_be_retried(string errorCode, bool rejection)
        => Assert.Equal(rejection, new PortalAnswer(errorCode, "reason").IsRejection);
}
