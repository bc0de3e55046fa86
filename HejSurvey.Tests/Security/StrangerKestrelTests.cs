using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HejSurvey.Tests.Pages;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HejSurvey.Tests.Security;

/// <summary>The admin site on a real Kestrel port: Kestrel, unlike the test server, refuses to send a header with a character outside ASCII.</summary>
public sealed class KestrelAdminSite : AdminSiteFactory
{
    public KestrelAdminSite()
    {
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        StartServer();
        BaseAddress = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    public Uri BaseAddress { get; }

    /// <summary>A plain HTTP client with its own cookies that shows redirects instead of following them.</summary>
    public HttpClient Client() =>
        new(new CookieContainerHandler(new CookieContainer()) { InnerHandler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false } }) { BaseAddress = BaseAddress };
}

/// <summary>
/// The requests of a stranger that answered 500 from the real server, sent to the real server: each now answers 4xx
/// or a safe redirect, and stores nothing.
/// </summary>
public sealed class StrangerKestrelTests(KestrelAdminSite site) : IClassFixture<KestrelAdminSite>
{
    [Theory]
    [InlineData("application/json", "{\"lead_drive\":4}")]
    [InlineData("text/plain", "lead_drive=4")]
    [InlineData("application/xml", "<x>4</x>")]
    [InlineData("", "lead_drive=4")]
    public async Task A_body_that_is_no_form_with_the_token_in_the_header_gets_415(string contentType, string body)
    {
        var round = await site.CreateRoundAsync($"kestrel-{Guid.NewGuid():N}"[..20]);
        var client = site.Client();
        var token = HtmlForm.HiddenFields(await client.GetPageAsync($"/survey/{round.Slug}"))["__RequestVerificationToken"];
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/survey/{round.Slug}") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        if (contentType.Length > 0)
        {
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }
        request.Headers.Add("RequestVerificationToken", token);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await using var db = site.Db();
        Assert.False(await db.Responses.AnyAsync(r => r.RoundId == round.Id));
    }

    [Theory]
    [InlineData("/%C3%A5", "/%C3%A5")]
    [InlineData("/%09/x", "/")]
    [InlineData("/%0d%0a/x", "/")]
    public async Task The_language_switch_redirects_safely(string returnUrl, string expected)
    {
        using var response = await site.Client().GetAsync($"/language/en?returnUrl={returnUrl}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("%2Fadmin%2Frounds%2F%C3%A5", "/admin/rounds/%C3%A5")]
    [InlineData("%2Fadmin%2F%09%2Fx", "/admin")]
    public async Task A_correct_sign_in_with_such_a_return_address_signs_in(string returnUrl, string expected)
    {
        var name = $"kestrel-{Guid.NewGuid():N}"[..20];
        await site.CreateAdminAsync(name);
        var client = site.Client();

        using var login = await client.LoginAsync(name, AdminSiteFactory.Password, $"/admin/login?ReturnUrl={returnUrl}");

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(expected, login.Headers.Location?.OriginalString);
        using var signedIn = await client.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }

    [Fact]
    public async Task A_forged_host_header_does_not_come_back_in_the_login_redirect()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/rounds/x");
        request.Headers.Host = "evil.example";

        using var response = await site.Client().SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin/login?ReturnUrl=%2Fadmin%2Frounds%2Fx", response.Headers.Location?.OriginalString);
    }
}
