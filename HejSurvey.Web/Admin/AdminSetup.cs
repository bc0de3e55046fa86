using System.Globalization;
using System.Threading.RateLimiting;
using HejSurvey.Web.Data;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace HejSurvey.Web.Admin;

/// <summary>The admin area: cookie login for /admin/**, login rate limits, the round closer and the admin's file downloads.</summary>
public static class AdminSetup
{
    /// <summary>The rate limiter policy of the login form (the survey form has its own).</summary>
    public const string LoginRateLimit = "login";

    public static WebApplicationBuilder AddAdmin(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AdminOptions>().BindConfiguration("Admin");
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(options =>
        {
            options.Cookie.Name = "HejSurvey.Admin";
            // Only the admin area ever sees the login cookie; respondents' requests never carry it.
            options.Cookie.Path = "/admin";
            options.Cookie.HttpOnly = true;
            // Strict: no other site can make the browser send it, so a GET download cannot be triggered from elsewhere.
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.LoginPath = "/admin/login";
            options.LogoutPath = "/admin/logout";
            // The cookie is renewed while the admin works; the session behind it still ends at its absolute end.
            options.SlidingExpiration = true;
            options.Events.OnValidatePrincipal = AdminSessions.ValidateAsync;
            options.Events.OnRedirectToLogin = context =>
            {
                // A file must never be answered with the login page: a script or a saved link would store HTML as data.
                if (context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<AdminFile>() is not null)
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                }
                else
                {
                    // Relative, never built from the Host header: a forged Host must not come back in Location.
                    var original = context.Request.PathBase.Add(context.Request.Path) + context.Request.QueryString;
                    context.Response.Redirect(context.Request.PathBase.Add(context.Options.LoginPath) + QueryString.Create(context.Options.ReturnUrlParameter, original));
                }
                return Task.CompletedTask;
            };
            // Signing in on the login path (and out on the logout path) would make the handler redirect to ?ReturnUrl= as
            // given, and a character outside ASCII in it makes Kestrel fail the response. The pages choose where to go.
            options.Events.OnRedirectToReturnUrl = _ => Task.CompletedTask;
            options.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<AdminOptions>>((cookie, admin) => cookie.ExpireTimeSpan = TimeSpan.FromHours(admin.Value.SessionHours));
        builder.Services.AddAuthorization();
        // Through AddRazorPages, so that the conventions are added after Razor Pages has set up its options.
        builder.Services.AddRazorPages(options =>
        {
            options.Conventions.AuthorizeFolder("/Admin");
            options.Conventions.AllowAnonymousToPage("/Admin/Login");
        });
        builder.Services.AddSingleton<IPasswordHasher<AdminUser>, PasswordHasher<AdminUser>>();
        builder.Services.AddSingleton<LoginThrottle>();
        builder.Services.AddRateLimiter(options => options.AddPolicy(LoginRateLimit, new LoginRateLimitPolicy()));
        builder.Services.AddOutputCache();
        builder.Services.AddSingleton<RoundCloser>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RoundCloser>());
        builder.Services.AddHostedService<FirstAdmin>();
        return builder;
    }

    /// <summary>The admin's files: raw responses, codebook and backup. Anonymous requests get 401, never the login page.</summary>
    public static void MapAdmin(this WebApplication app)
    {
        var files = app.MapGroup("/admin").RequireAuthorization().WithMetadata(new AdminFile());
        files.MapGet("/rounds/{slug}/responses.csv", ResponseExport.CsvAsync);
        files.MapGet("/rounds/{slug}/responses.json", ResponseExport.JsonAsync);
        files.MapGet("/rounds/{slug}/codebook.csv", ResponseExport.CodebookCsvAsync);
        files.MapGet("/rounds/{slug}/codebook.json", ResponseExport.CodebookJsonAsync);
        files.MapGet("/rounds/{slug}/responses.xlsx", ResponseWorkbook.DownloadAsync);
        files.MapGet("/rounds/{slug}/responses.sps", ResponseExport.Script("responses.sps", SpssSyntax.Write));
        files.MapGet("/rounds/{slug}/responses.R", ResponseExport.Script("responses.R", RScript.Write));
        files.MapGet("/rounds/{slug}/qr.svg", SurveyQrCode.SvgAsync);
        files.MapGet("/rounds/{slug}/qr.png", SurveyQrCode.PngAsync);
        files.MapGet("/backup", DatabaseBackup.DownloadAsync);
        files.MapGet("/questionnaires/{key}/{version:int}.json", QuestionnaireExport.JsonAsync);
        files.MapGet("/questionnaires/{key}/{version:int}.xlsx", QuestionnaireExport.XlsFormAsync);
    }

    /// <summary>Marks the endpoints that answer with a file rather than a page.</summary>
    public sealed class AdminFile;

    /// <summary>Per client address, on POST only: reading the login page is never limited.</summary>
    private sealed class LoginRateLimitPolicy : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = (context, _) =>
        {
            TooManyAttempts(context.HttpContext.Response, context.Lease);
            return ValueTask.CompletedTask;
        };

        public RateLimitPartition<string> GetPartition(HttpContext httpContext)
        {
            if (!HttpMethods.IsPost(httpContext.Request.Method))
            {
                return RateLimitPartition.GetNoLimiter("read");
            }
            var permits = httpContext.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value.LoginPermitsPerAddressPerMinute;
            // The address lives only in this in-memory partition key; it is never stored.
            var address = httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            return RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
        }
    }

    /// <summary>429 with Retry-After, from the lease of whichever limiter refused.</summary>
    internal static void TooManyAttempts(HttpResponse response, RateLimitLease lease)
    {
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>The per-name half of the login limit: the name is in the form, which the rate limiter middleware does not read.</summary>
public sealed class LoginThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter;

    public LoginThrottle(IOptions<AdminOptions> options)
    {
        var permits = options.Value.LoginPermitsPerNamePerMinute;
        limiter = PartitionedRateLimiter.Create<string, string>(name => RateLimitPartition.GetFixedWindowLimiter(name, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));
    }

    public RateLimitLease Attempt(string name) => limiter.AttemptAcquire(name.Trim().ToLowerInvariant());

    public void Dispose() => limiter.Dispose();
}
