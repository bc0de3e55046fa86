using System.Net;
using AngleSharp.Html.Parser;
using HejSurvey.Tests.Pages;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using HejSurvey.Web.Site;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HejSurvey.Tests.Hostile;

/// <summary>The site with one open round that the hostile corpus is thrown at.</summary>
public class HostileSite : SiteFactory
{
    private readonly Lazy<Task> round;

    public HostileSite()
        : this(DatabaseProvider.Sqlite)
    {
    }

    protected HostileSite(DatabaseProvider provider)
        : base(provider)
    {
        // On a real Kestrel port: Kestrel, unlike the test server, fails a response whose headers hold a character
        // outside ASCII, which is how odd return addresses used to answer 500.
        UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        // The corpus signs in correctly many times, with odd return addresses.
        Settings["Admin:LoginPermitsPerAddressPerMinute"] = "100000";
        Settings["Admin:LoginPermitsPerNamePerMinute"] = "100000";
        round = new(async () =>
        {
            StartServer();
            BaseAddress = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
            await CreateRoundAsync(HostileRequests.Slug);
            await using var db = Db();
            await AdminCommand.SaveAsync(db, SiteFactory.PasswordHasher, HostileRequests.AdminName, HostileRequests.AdminPassword, DateTime.UtcNow);
        });
    }

    public Task ReadyAsync() => round.Value;

    /// <summary>http://127.0.0.1:{port} of the real server, once <see cref="ReadyAsync"/> has started it.</summary>
    public Uri BaseAddress { get; private set; } = null!;
}

public sealed class PostgresHostileSite() : HostileSite(DatabaseProvider.PostgreSQL);

/// <summary>
/// Every malformed or hostile request gets an answer below 500, stores nothing, and wherever it is echoed
/// (the form shown again with its errors, error pages, redirects) anything that looks like script is inert text.
/// </summary>
public abstract class HostileInputTests(HostileSite site)
{
    public sealed class OnSqlite(HostileSite site) : HostileInputTests(site), IClassFixture<HostileSite>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresHostileSite site) : HostileInputTests(site), IClassFixture<PostgresHostileSite>;

    [Fact]
    public void The_corpus_has_at_least_200_distinct_requests()
    {
        var names = HostileRequests.All().Select(r => r.Name).ToList();
        Assert.True(names.Count >= 200, $"only {names.Count} requests");
        Assert.Empty(names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key));
    }

    [Theory]
    [MemberData(nameof(HostileRequests.Names), MemberType = typeof(HostileRequests))]
    public async Task A_hostile_request_gets_no_5xx_stores_nothing_and_echoes_nothing_live(string name)
    {
        await site.ReadyAsync();
        var hostile = HostileRequests.All().Single(r => r.Name == name);
        // A plain client: no cookies of its own (the request says which it sends), redirects shown, not followed.
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = site.BaseAddress };

        // A browser that has just read the form: its cookies and the form's hidden fields.
        using var form = await client.GetAsync($"/survey/{HostileRequests.Slug}");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        var cookies = string.Join("; ", form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var hidden = HtmlForm.HiddenFields(await HtmlForm.ParseAsync(form));

        var before = await CountStoredAsync();
        using var request = hostile.Build(hidden);
        var cookie = request.Options.TryGetValue(HostileCookies.Key, out var replaced) ? replaced : cookies;
        if (cookie.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookie);
        }
        var oversized = request.Content?.Headers.ContentLength > RequestLimits.MaxBodyBytes;
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request);
        }
        catch (HttpRequestException) when (oversized)
        {
            // Kestrel answers 413 before reading a body it will not take and closes the connection, which may reach
            // the client while it is still writing. Whatever it saw, nothing may be stored.
            Assert.True(before == await CountStoredAsync(), $"{name}: stored something");
            return;
        }
        using var _ = response;
        var body = await response.Content.ReadAsStringAsync();

        Assert.True((int)response.StatusCode < 500, $"{name}: answered {(int)response.StatusCode}");
        await AssertInertAsync(name, response, body);
        Assert.True(before == await CountStoredAsync(), $"{name}: stored something ({before} before, {await CountStoredAsync()} after)");
    }

    /// <summary>Everything a request could have stored or changed: responses, answers, tallies, rounds and their counts.</summary>
    private async Task<string> CountStoredAsync()
    {
        await using var db = site.Db();
        var tallied = 0L;
        foreach (var round in await db.Rounds.Select(r => r.Id).ToListAsync())
        {
            tallied += (await site.TalliesAsync(round)).Counts.Values.Sum();
        }
        return $"{await db.Responses.CountAsync()} responses, {await db.Answers.CountAsync()} answers, " +
            $"{tallied} tallied, {await db.Rounds.CountAsync()} rounds " +
            $"counting {await db.Rounds.SumAsync(r => r.ResponseCount)}";
    }

    /// <summary>Whatever the page shows of the request is text: no script, no event handler, no javascript: link, no frame.</summary>
    internal static async Task AssertInertAsync(string name, HttpResponseMessage response, string body)
    {
        if (response.Headers.Location is { } location)
        {
            Assert.False(location.IsAbsoluteUri && location.Host is not ("localhost" or "127.0.0.1"), $"{name}: redirects to {location}");
            Assert.False(location.OriginalString.StartsWith("//", StringComparison.Ordinal) || location.OriginalString.StartsWith("/\\", StringComparison.Ordinal),
                $"{name}: redirects to {location}");
        }
        if (response.Content.Headers.ContentType?.MediaType != "text/html")
        {
            Assert.DoesNotContain("<script", body, StringComparison.OrdinalIgnoreCase);
            return;
        }
        var page = await new HtmlParser().ParseDocumentAsync(body);
        var live = page.QuerySelectorAll("script, iframe, object, embed, svg, math, img, base")
            .Where(e => !IsSiteScript(e))
            .Select(e => e.OuterHtml)
            .Concat(page.All.SelectMany(e => e.Attributes)
                .Where(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)
                    || (a.Name is "href" or "src" or "action" or "formaction" && a.Value.TrimStart().StartsWith("javascript:", StringComparison.OrdinalIgnoreCase)))
                .Select(a => $"{a.Name}=\"{a.Value}\""))
            .ToList();
        Assert.True(live.Count == 0, $"{name}: live markup in the page: {string.Join(" | ", live)}");
        Assert.Single(page.QuerySelectorAll("body"));
    }

    /// <summary>The survey form's own script, from the site's files with nothing inline: part of the page, not of the request.</summary>
    private static bool IsSiteScript(AngleSharp.Dom.IElement element) =>
        element.LocalName == "script" && element.TextContent.Length == 0
        && element.GetAttribute("src")?.Split('?')[0] is "/js/survey.js";
}

/// <summary>
/// Script and SQL in the free text of a complete answer are stored exactly as typed (no statement is built from
/// them) and shown on no public page.
/// </summary>
public abstract class HostileFreeTextTests(SiteFactory site)
{
    public sealed class OnSqlite(SiteFactory site) : HostileFreeTextTests(site), IClassFixture<SiteFactory>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresSiteFactory site) : HostileFreeTextTests(site), IClassFixture<PostgresSiteFactory>;

    [Fact]
    public async Task Script_and_sql_in_free_text_are_stored_as_typed_and_shown_nowhere()
    {
        var round = await site.CreateRoundAsync("hostile-free-text", published: true, live: true);
        var payload = string.Join("\n", HostileRequests.Scripts.Take(3).Concat(HostileRequests.Sql.Take(3)));
        var answers = SurveyJourneyTests.CompleteAnswers();
        answers["speedup"] = payload;

        using var response = await SurveyJourneyTests.AnswerAsync(site.Browser(), round.Slug, answers);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await using var db = site.Db();
        Assert.Equal(payload, await db.Responses.Where(r => r.RoundId == round.Id).Select(r => r.FreeText).SingleAsync());
        Assert.Equal(1, await db.Rounds.CountAsync());
        foreach (var url in new[] { "/", $"/survey/{round.Slug}/thanks", $"/results/{round.Slug}", "/results", $"/results/{round.Slug}/data.csv", $"/results/{round.Slug}/distribution.csv", $"/results/{round.Slug}/data.json", $"/results/{round.Slug}/datapackage.json", "/catalog.rdf", $"/api/rounds/{round.Slug}/results" })
        {
            using var page = await site.Browser().GetAsync(url);
            var body = await page.Content.ReadAsStringAsync();
            Assert.True((int)page.StatusCode < 500, $"{url} answered {(int)page.StatusCode}");
            Assert.DoesNotContain("alert(1)", body, StringComparison.Ordinal);
            Assert.DoesNotContain("DROP TABLE", body, StringComparison.Ordinal);
        }
    }
}
