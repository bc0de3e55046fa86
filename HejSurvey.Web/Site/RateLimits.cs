using System.Globalization;
using System.Threading.RateLimiting;
using HejSurvey.Web.Survey;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace HejSurvey.Web.Site;

/// <summary>
/// The survey POST is limited per client address. A whole agency can sit behind one address, so the limit
/// (<see cref="SurveyOptions.SubmitPermitsPerMinute"/>, default 600) is far above what one office answers in a
/// minute; it only stops a script from flooding the writer. Reading the form is never limited.
/// </summary>
public static class RateLimits
{
    public const string Submit = "submit";

    public static WebApplicationBuilder AddRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // The body stays empty so that the status code pages show the readable 429 page.
            options.OnRejected = (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter =
                    Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
            options.AddPolicy(Submit, context =>
            {
                if (!HttpMethods.IsPost(context.Request.Method))
                {
                    return RateLimitPartition.GetNoLimiter("read");
                }
                var permits = context.RequestServices.GetRequiredService<IOptions<SurveyOptions>>().Value.SubmitPermitsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
        });
        return builder;
    }
}
