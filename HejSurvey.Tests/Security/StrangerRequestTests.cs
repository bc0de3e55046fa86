using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HejSurvey.Tests.Pages;
using HejSurvey.Web.Data;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Tests.Security;

/// <summary>
/// Requests any stranger can send that used to answer 500: a body that is no form with a valid antiforgery token in
/// the header, and return addresses with characters that cannot go into a Location header. Also: a forged Host
/// header never comes back in a Location or a document.
/// </summary>
public sealed class StrangerRequestTests(AdminSiteFactory site) : IClassFixture<AdminSiteFactory>
{
    public static TheoryData<string, string?> NotForms => new()
    {
        { "application/json", "{\"lead_drive\":4}" },
        { "text/plain", "lead_drive=4" },
        { "application/xml", "<answers><lead_drive>4</lead_drive></answers>" },
        { "", "lead_drive=4" },
        { "", null },
    };

    [Theory]
    [MemberData(nameof(NotForms))]
    public async Task A_body_that_is_no_form_with_a_valid_token_in_the_header_gets_415_and_stores_nothing(string contentType, string? body)
    {
        var round = await site.CreateRoundAsync($"stranger-{Guid.NewGuid():N}"[..20]);
        var browser = site.Browser();
        var token = HtmlForm.HiddenFields(await browser.GetPageAsync($"/survey/{round.Slug}"))["__RequestVerificationToken"];
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/survey/{round.Slug}");
        request.Headers.Add("RequestVerificationToken", token);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType.Length > 0)
            {
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            }
        }

        using var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await using var db = site.Db();
        Assert.False(await db.Responses.AnyAsync(r => r.RoundId == round.Id));
        Assert.Equal(0, (await db.Rounds.SingleAsync(r => r.Id == round.Id)).ResponseCount);
    }

    [Fact]
    public async Task The_token_in_the_header_is_really_accepted_so_a_form_body_with_it_is_stored()
    {
        var round = await site.CreateRoundAsync("stranger-header-form");
        var browser = site.Browser();
        var hidden = HtmlForm.HiddenFields(await browser.GetPageAsync($"/survey/{round.Slug}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/survey/{round.Slug}")
        {
            Content = new FormUrlEncodedContent(hidden.Where(f => f.Key != "__RequestVerificationToken").Concat(SurveyJourneyTests.CompleteAnswers())),
        };
        request.Headers.Add("RequestVerificationToken", hidden["__RequestVerificationToken"]);

        using var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [Theory]
    [InlineData("/%C3%A5", "/%C3%A5")]
    [InlineData("/results?by=%C3%B6", "/results?by=%C3%B6")]
    [InlineData("/%09/x", "/")]
    [InlineData("/%0d%0a/x", "/")]
    [InlineData("/x%0d%0aSet-Cookie:%20a=b", "/")]
    [InlineData("/%00", "/")]
    [InlineData("/%E2%80%AE", "/%E2%80%AE")]
    [InlineData("/%FF", "/%FF")]
    [InlineData("/a%20b", "/a%20b")]
    [InlineData("%2F%2Fevil.example", "/")]
    public async Task The_language_switch_goes_back_safely_whatever_the_return_address_holds(string returnUrl, string expected)
    {
        using var response = await site.Browser().GetAsync($"/language/en?returnUrl={returnUrl}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location?.OriginalString);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Culture=", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("%2Fadmin%2Frounds%2F%C3%A5", "/admin/rounds/%C3%A5")]
    [InlineData("%2Fadmin%2F%09%2Fx", "/admin")]
    [InlineData("%2Fadmin%2F%0d%0a%2Fx", "/admin")]
    [InlineData("%2Fadmin%0d%0aSet-Cookie:%20a=b", "/admin")]
    [InlineData("%2Fadmin%2Faudit%3Fpage%3D2", "/admin/audit?page=2")]
    [InlineData("%2Fadminx", "/admin")]
    [InlineData("%2Fadmin%2F%2Fevil.example", "/admin")]
    public async Task A_correct_sign_in_with_an_odd_return_address_signs_in_and_goes_somewhere_safe(string returnUrl, string expected)
    {
        var name = $"stranger-{Guid.NewGuid():N}"[..20];
        await site.CreateAdminAsync(name);
        var browser = site.Browser();

        using var login = await browser.LoginAsync(name, AdminSiteFactory.Password, $"/admin/login?ReturnUrl={returnUrl}");

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(expected, login.Headers.Location?.OriginalString);
        using var signedIn = await browser.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }

    [Theory]
    [InlineData("%2F%C3%A5")]
    [InlineData("%2Fadmin%2F%09%2Fx")]
    [InlineData("https%3A%2F%2Fevil.example")]
    public async Task Signing_out_with_an_odd_return_address_goes_to_the_login(string returnUrl)
    {
        var browser = await site.SignedInAsync($"stranger-{Guid.NewGuid():N}"[..20]);
        var dashboard = await browser.GetPageAsync("/admin");

        using var logout = await browser.PostFormAsync($"/admin/logout?ReturnUrl={returnUrl}", HtmlForm.HiddenFields(dashboard, "form[action='/admin/logout']"));

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal("/admin/login", logout.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_forged_host_header_never_comes_back_in_a_location_or_the_api_description()
    {
        using var client = site.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        foreach (var url in new[] { "/admin", "/admin/rounds/x", "/language/en?returnUrl=/results", "/openapi/v1.json" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Host = "evil.example";
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode < 500, $"{url} answered {(int)response.StatusCode}");
            Assert.DoesNotContain("evil.example", response.Headers.Location?.OriginalString ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain("evil.example", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_AllowedHosts_set_a_request_for_another_host_is_refused()
    {
        using var configured = new AdminSiteFactory();
        configured.Settings["AllowedHosts"] = "hejdigitalt.example.se";
        using var client = configured.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var evil = new HttpRequestMessage(HttpMethod.Get, "/admin");
        evil.Headers.Host = "evil.example";
        using var refused = await client.SendAsync(evil);
        using var right = new HttpRequestMessage(HttpMethod.Get, "/");
        right.Headers.Host = "hejdigitalt.example.se";
        using var served = await client.SendAsync(right);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Null(refused.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }
}
