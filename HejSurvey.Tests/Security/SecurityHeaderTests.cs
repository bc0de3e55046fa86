using System.Net;
using HejSurvey.Tests.Pages;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HejSurvey.Tests.Security;

/// <summary>The site as it runs for the public: Production, reached over HTTPS under its own name.</summary>
public sealed class ProductionSite : SiteFactory
{
    private readonly string folder = Directory.CreateTempSubdirectory("hejsurvey-production-").FullName;

    /// <summary>Production refuses to start without a certificate for its keys: one made for the test.</summary>
    public ProductionSite()
    {
        Settings["DataProtection:CertificatePath"] = TestCertificates.Pfx(folder);
        Settings["DataProtection:CertificatePassword"] = TestCertificates.Password;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Production");
    }

    public HttpClient Https() => CreateClient(new WebApplicationFactoryClientOptions
    {
        BaseAddress = new Uri("https://enkat.example.se"),
        AllowAutoRedirect = false,
        HandleCookies = false,
    });
}

/// <summary>Every kind of response carries the security headers; HSTS and Secure cookies outside Development.</summary>
public sealed class SecurityHeaderTests(ProductionSite site) : IClassFixture<ProductionSite>
{
    public static TheoryData<string, string, HttpStatusCode> Responses() => new()
    {
        { "page", "/", HttpStatusCode.OK },
        { "survey form", "/survey/headers", HttpStatusCode.OK },
        { "static file", "/css/site.css", HttpStatusCode.OK },
        { "error page", "/error/500", HttpStatusCode.OK },
        { "404", "/no/such/page", HttpStatusCode.NotFound },
        { "413", "POST /survey/headers", HttpStatusCode.RequestEntityTooLarge },
        { "400", "POST /survey/headers?bad", HttpStatusCode.BadRequest },
        { "405", "PUT /survey/headers", HttpStatusCode.MethodNotAllowed },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task Every_kind_of_response_carries_the_security_headers(string kind, string request, HttpStatusCode expected)
    {
        await EnsureRoundAsync();
        using var response = await SendAsync(site.Https(), request);

        Assert.Equal(expected, response.StatusCode);
        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        var hsts = Header(response, "Strict-Transport-Security");
        Assert.True(hsts.Contains("max-age=31536000", StringComparison.Ordinal), $"{kind}: HSTS is '{hsts}'");
    }

    [Fact]
    public async Task Hsts_is_not_sent_over_plain_http()
    {
        using var client = site.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://enkat.example.se") });
        using var response = await client.GetAsync("/");
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Hsts_is_not_sent_in_development()
    {
        using var development = new DevelopmentSite();
        using var client = development.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://enkat.example.se") });
        using var response = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Every_cookie_is_http_only_secure_and_same_site()
    {
        await EnsureRoundAsync();
        var client = site.Https();
        using var form = await client.GetAsync("/survey/headers");
        using var language = await client.GetAsync("/language/en?returnUrl=/");
        var cookies = form.Headers.GetValues("Set-Cookie").Concat(language.Headers.GetValues("Set-Cookie")).ToList();

        Assert.Contains(cookies, c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith("hej_respondent=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith(".AspNetCore.Culture=", StringComparison.Ordinal));
        foreach (var cookie in cookies)
        {
            var attributes = cookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
            Assert.True(attributes.Contains("httponly") && attributes.Contains("secure") && attributes.Any(a => a is "samesite=lax" or "samesite=strict"),
                $"cookie without HttpOnly, Secure and SameSite: {cookie}");
        }
    }

    private async Task EnsureRoundAsync()
    {
        await using var db = site.Db();
        if (!db.Rounds.Any(r => r.Slug == "headers"))
        {
            await site.CreateRoundAsync("headers");
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string request)
    {
        var parts = request.Split(' ');
        if (parts.Length == 1)
        {
            return await client.GetAsync(request);
        }
        var content = parts[1].EndsWith("?bad", StringComparison.Ordinal)
            ? new StringContent("not a form", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded")
            : new StringContent(new string('x', 70 * 1024), System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        if (parts[0] == "PUT")
        {
            // A complete form with a valid token, so that only the method is wrong.
            var browser = new Browser(client);
            var page = await browser.SendAsync(HttpMethod.Get, parts[1]);
            var fields = HtmlForm.HiddenFields(await HtmlForm.ParseAsync(page)).Concat(SurveyJourneyTests.CompleteAnswers());
            return await browser.SendAsync(HttpMethod.Put, parts[1], new FormUrlEncodedContent(fields));
        }
        return await client.PostAsync(parts[1].Replace("?bad", "", StringComparison.Ordinal), content);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : "";

    private sealed class DevelopmentSite : SiteFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Development");
        }
    }

    /// <summary>Keeps cookies by name and sends them back, as a browser does over HTTPS.</summary>
    private sealed class Browser(HttpClient client)
    {
        private readonly Dictionary<string, string> cookies = [];

        public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, HttpContent? content = null)
        {
            using var request = new HttpRequestMessage(method, url) { Content = content };
            if (cookies.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
            }
            var response = await client.SendAsync(request);
            foreach (var cookie in response.Headers.TryGetValues("Set-Cookie", out var set) ? set : [])
            {
                var pair = cookie.Split(';')[0].Split('=', 2);
                cookies[pair[0]] = pair[1];
            }
            return response;
        }
    }
}

/// <summary>Only a chart's embed page may be framed by other sites; every neighbouring path still refuses.</summary>
public sealed class EmbedFramingTests
{
    [Theory]
    [InlineData("/results/hej-digitalt-2025/embed/lead_drive", true)]
    [InlineData("/results/hej-digitalt-2025/embed/themes", true)]
    [InlineData("/results/hej-digitalt-2025/embed", false)]
    [InlineData("/results/hej-digitalt-2025/embed/lead_drive/more", false)]
    [InlineData("/results/hej-digitalt-2025", false)]
    [InlineData("/results/hej-digitalt-2025/method", false)]
    [InlineData("/admin/embed/x/y", false)]
    [InlineData("/results//embed/x", false)]
    public void Only_the_embed_route_is_framable(string path, bool framable)
    {
        Assert.Equal(framable, HejSurvey.Web.Site.SecurityHeaders.IsEmbed(new Microsoft.AspNetCore.Http.PathString(path)));
        Assert.Contains("frame-ancestors 'none'", HejSurvey.Web.Site.SecurityHeaders.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.EndsWith("frame-ancestors *", HejSurvey.Web.Site.SecurityHeaders.EmbedContentSecurityPolicy, StringComparison.Ordinal);
    }
}
