using System.Net;
using HejSurvey.Tests.Pages;
using HejSurvey.Web.Site;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace HejSurvey.Tests.Security;

/// <summary>Behind a reverse proxy the rate limits count each client, not the proxy; nobody else can pick an address.</summary>
public sealed class TrustedProxyTests
{
    private const string Proxy = "10.1.2.3";

    /// <summary>The site as a reverse proxy at <see cref="Proxy"/> reaches it: every request comes from the proxy's address.</summary>
    private sealed class BehindProxy : SiteFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddTransient<IStartupFilter, FromProxy>());
        }

        private sealed class FromProxy : IStartupFilter
        {
            public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
            {
                app.Use((context, nextMiddleware) =>
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(Proxy);
                    return nextMiddleware(context);
                });
                next(app);
            };
        }
    }

    /// <summary>Posts an incomplete form (nothing is stored) as the client the proxy names, and returns the status.</summary>
    private static async Task<HttpStatusCode> PostAsAsync(SiteFactory site, string slug, string client)
    {
        var browser = site.Browser();
        var page = await browser.GetPageAsync($"/survey/{slug}");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/survey/{slug}") { Content = new FormUrlEncodedContent(HtmlForm.HiddenFields(page)) };
        request.Headers.Add("X-Forwarded-For", client);
        using var response = await browser.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task With_the_proxy_trusted_each_forwarded_client_has_its_own_submit_limit()
    {
        using var site = new BehindProxy();
        site.Settings["Survey:SubmitPermitsPerMinute"] = "1";
        site.Settings[$"{TrustedProxies.Setting}:0"] = "10.0.0.0/8";
        var round = await site.CreateRoundAsync("proxied");

        Assert.Equal(HttpStatusCode.OK, await PostAsAsync(site, round.Slug, "203.0.113.7"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await PostAsAsync(site, round.Slug, "203.0.113.7"));
        Assert.Equal(HttpStatusCode.OK, await PostAsAsync(site, round.Slug, "198.51.100.20"));
    }

    [Theory]
    [InlineData(null)]        // no proxy trusted
    [InlineData("192.0.2.1")] // a proxy trusted, but not the peer that sends the header
    public async Task A_forwarded_address_from_a_peer_that_is_not_a_trusted_proxy_is_ignored(string? trusted)
    {
        using var site = new BehindProxy();
        site.Settings["Survey:SubmitPermitsPerMinute"] = "1";
        if (trusted is not null)
        {
            site.Settings[$"{TrustedProxies.Setting}:0"] = trusted;
        }
        var round = await site.CreateRoundAsync("not-proxied");

        Assert.Equal(HttpStatusCode.OK, await PostAsAsync(site, round.Slug, "203.0.113.7"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await PostAsAsync(site, round.Slug, "198.51.100.20"));
    }

    [Fact]
    public void A_trusted_proxy_that_is_not_an_address_stops_the_start_with_a_clear_message()
    {
        using var site = new BehindProxy();
        site.Settings[$"{TrustedProxies.Setting}:0"] = "proxy.example";

        var error = Assert.ThrowsAny<Exception>(() => site.CreateClient()); // starting the site is what fails

        Assert.Contains("proxy.example", error.ToString(), StringComparison.Ordinal);
    }
}
