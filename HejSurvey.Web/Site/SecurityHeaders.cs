using Microsoft.AspNetCore.CookiePolicy;

namespace HejSurvey.Web.Site;

/// <summary>Headers on every response: nothing but this site may load into or frame a page. Cookies are never readable by script.</summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The embed page of a results chart may be framed by any site; nothing else may be framed at all.</summary>
    public const string EmbedContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors *";

    /// <summary>GET /results/{slug}/embed/{key}: exactly four segments, the third "embed".</summary>
    public static bool IsEmbed(PathString path) =>
        path.Value is { } value && value.Split('/') is ["", "results", { Length: > 0 }, "embed", { Length: > 0 }];

    /// <summary>
    /// HSTS for a year outside Development, and one policy for every cookie (antiforgery, respondent, culture,
    /// admin login): HttpOnly, SameSite=Lax at least, and Secure outside Development and the test host, which
    /// talk plain HTTP.
    /// </summary>
    public static WebApplicationBuilder AddSecurityHeaders(this WebApplicationBuilder builder)
    {
        builder.Services.AddHsts(hsts =>
        {
            hsts.MaxAge = TimeSpan.FromDays(365);
            hsts.IncludeSubDomains = true;
        });
        var plainHttp = builder.Environment.IsDevelopment() || builder.Environment.IsEnvironment("Testing");
        builder.Services.Configure<CookiePolicyOptions>(cookies =>
        {
            cookies.HttpOnly = HttpOnlyPolicy.Always;
            cookies.Secure = plainHttp ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            cookies.MinimumSameSitePolicy = SameSiteMode.Lax;
        });
        return builder;
    }

    public static void UseSecurityHeaders(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }
        app.UseCookiePolicy();
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                var embed = IsEmbed(context.Request.Path);
                headers.ContentSecurityPolicy = embed ? EmbedContentSecurityPolicy : ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                if (!embed)
                {
                    headers.XFrameOptions = "DENY";
                }
                headers["Referrer-Policy"] = "no-referrer";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                return Task.CompletedTask;
            });
            return next(context);
        });
    }
}
