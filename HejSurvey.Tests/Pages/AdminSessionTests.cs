using System.Net;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HejSurvey.Tests.Pages;

/// <summary>The admin site on a clock the test moves, so that a session's absolute end can be reached without waiting.</summary>
public class ClockedAdminSiteFactory : AdminSiteFactory
{
    public ClockedAdminSiteFactory()
        : this(DatabaseProvider.Sqlite)
    {
    }

    protected ClockedAdminSiteFactory(DatabaseProvider provider)
        : base(provider)
    {
    }

    public TestClock Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

public sealed class PostgresClockedAdminSiteFactory() : ClockedAdminSiteFactory(DatabaseProvider.PostgreSQL);

/// <summary>
/// Sessions the server knows about: signing out, a new password and "sign out everywhere" end them for every copy of
/// the cookie; a session ends at its absolute end however much it is used; each of these is in the audit log.
/// </summary>
public abstract class AdminSessionTests(ClockedAdminSiteFactory site)
{
    public sealed class OnSqlite(ClockedAdminSiteFactory site) : AdminSessionTests(site), IClassFixture<ClockedAdminSiteFactory>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresClockedAdminSiteFactory site) : AdminSessionTests(site), IClassFixture<PostgresClockedAdminSiteFactory>;

    [Fact]
    public async Task A_cookie_copied_before_sign_out_is_refused_after_it()
    {
        var (browser, jar) = await SignedInWithJarAsync("session-ada");
        var copy = AdminCookie(jar);
        Assert.NotEmpty(copy);
        using (var before = await WithCookie(copy).GetAsync(await AdminFileAsync()))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var dashboard = await browser.GetPageAsync("/admin");
        using var logout = await browser.PostFormAsync("/admin/logout", HtmlForm.HiddenFields(dashboard, "form[action='/admin/logout']"));
        Assert.Equal("/admin/login", logout.Headers.Location?.OriginalString);

        using var file = await WithCookie(copy).GetAsync(await AdminFileAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, file.StatusCode);
        Assert.Null(file.Content.Headers.ContentDisposition);
        using var page = await WithCookie(copy).GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/admin/login?ReturnUrl=%2Fadmin", page.Headers.Location?.OriginalString);
        await using var db = site.Db();
        Assert.All(await SessionsOfAsync(db, "session-ada"), s => Assert.NotNull(s.EndedAt));
        Assert.Equal([AuditAction.Login, AuditAction.Download, AuditAction.Logout], (await site.AuditAsync("session-ada")).Select(a => a.Action));
    }

    [Fact]
    public async Task A_new_password_ends_every_older_session_of_that_admin_only()
    {
        var first = await site.SignedInAsync("session-bo");
        var second = site.Browser();
        using (var login = await second.LoginAsync("session-bo", AdminSiteFactory.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        }
        var bystander = await site.SignedInAsync("session-bystander");

        var output = new StringWriter();
        var exit = await AdminCommand.RunAsync(site.Services, ["admin", "add", "session-bo", "--password-stdin"], new StringReader("a brand new pass phrase 77\n"), output);

        Assert.Equal(0, exit);
        foreach (var browser in new[] { first, second })
        {
            using var page = await browser.GetAsync("/admin");
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            using var file = await browser.GetAsync(await AdminFileAsync());
            Assert.Equal(HttpStatusCode.Unauthorized, file.StatusCode);
        }
        using (var other = await bystander.GetAsync("/admin"))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }
        Assert.Contains(await site.AuditAsync(AuditLog.System), a => a.Action == AuditAction.SessionsEnded && a.Detail == "2 open sessions of session-bo ended by the new password");
        // The new password signs in again.
        using var again = await site.Browser().LoginAsync("session-bo", "a brand new pass phrase 77");
        Assert.Equal("/admin", again.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Removing_an_admin_ends_its_sessions()
    {
        var browser = await site.SignedInAsync("session-gun");

        var exit = await AdminCommand.RunAsync(site.Services, ["admin", "remove", "session-gun"], new StringReader(""), new StringWriter());

        Assert.Equal(0, exit);
        using var file = await browser.GetAsync(await AdminFileAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, file.StatusCode);
        await using var db = site.Db();
        Assert.False(await db.AdminUsers.AnyAsync(a => a.Name == "session-gun"));
        Assert.Contains(await site.AuditAsync(AuditLog.System), a => a.Action == AuditAction.AdminRemoved && a.Detail == "removed session-gun; 1 open sessions ended");
        Assert.Equal(1, await AdminCommand.RunAsync(site.Services, ["admin", "remove", "session-gun"], new StringReader(""), new StringWriter()));
    }

    [Fact]
    public async Task A_session_ends_at_its_absolute_end_however_much_it_is_used()
    {
        var browser = await site.SignedInAsync("session-cy");
        await using var db = site.Db();
        var started = (await SessionsOfAsync(db, "session-cy")).Single();
        Assert.Equal(started.StartedAt.AddHours(8), started.ExpiresAt);

        // Used all day: the cookie is renewed, the session's end stays where it was.
        for (var hour = 1; hour < 8; hour++)
        {
            site.Clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
            using var page = await browser.GetAsync("/admin");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
        site.Clock.Advance(TimeSpan.FromHours(8) - (site.Clock.Now.UtcDateTime - started.StartedAt));

        using var late = await browser.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, late.StatusCode);
        Assert.StartsWith("/admin/login", late.Headers.Location?.OriginalString, StringComparison.Ordinal);
        using var file = await browser.GetAsync(await AdminFileAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, file.StatusCode);
        db.ChangeTracker.Clear();
        Assert.Equal(started.ExpiresAt, (await SessionsOfAsync(db, "session-cy")).Single().EndedAt);
        Assert.Single(await site.AuditAsync("session-cy"), a => a.Action == AuditAction.SessionExpired);
    }

    [Fact]
    public async Task Last_use_is_written_at_most_once_a_minute()
    {
        var browser = await site.SignedInAsync("session-dag");
        await using var db = site.Db();
        var signedIn = (await SessionsOfAsync(db, "session-dag")).Single().LastUsedAt;

        site.Clock.Advance(TimeSpan.FromSeconds(30));
        (await browser.GetAsync("/admin")).Dispose();
        db.ChangeTracker.Clear();
        Assert.Equal(signedIn, (await SessionsOfAsync(db, "session-dag")).Single().LastUsedAt);

        site.Clock.Advance(TimeSpan.FromSeconds(31));
        (await browser.GetAsync("/admin")).Dispose();
        db.ChangeTracker.Clear();
        Assert.Equal(site.Clock.Now.UtcDateTime, (await SessionsOfAsync(db, "session-dag")).Single().LastUsedAt);
    }

    [Fact]
    public async Task The_sessions_page_lists_the_admins_own_open_sessions_and_signs_out_everywhere()
    {
        var laptop = await site.SignedInAsync("session-eje");
        var phone = site.Browser();
        (await phone.LoginAsync("session-eje", AdminSiteFactory.Password)).Dispose();
        var stranger = await site.SignedInAsync("session-stranger");

        var page = await laptop.GetPageAsync("/admin/sessions");
        var rows = page.QuerySelectorAll("#sessions tbody tr");
        Assert.Equal(2, rows.Length);
        Assert.Single(rows, r => r.TextContent.Contains("Den här webbläsaren", StringComparison.Ordinal));
        Assert.Single(page.QuerySelectorAll("#sessions tbody tr.this-session"));

        using var everywhere = await laptop.PostFormAsync("/admin/sessions?handler=Everywhere", HtmlForm.HiddenFields(page, "form[action*='Everywhere']"));

        Assert.Equal("/admin/login", everywhere.Headers.Location?.OriginalString);
        foreach (var browser in new[] { laptop, phone })
        {
            using var after = await browser.GetAsync("/admin");
            Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        }
        using (var other = await stranger.GetAsync("/admin/sessions"))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }
        Assert.Contains(await site.AuditAsync("session-eje"), a => a.Action == AuditAction.SessionsEnded && a.Detail == "signed out everywhere: 2 open sessions ended");
    }

    [Fact]
    public async Task Sign_out_everywhere_needs_the_antiforgery_token()
    {
        var browser = await site.SignedInAsync("session-fia");

        using var forged = await browser.PostFormAsync("/admin/sessions?handler=Everywhere", []);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using var still = await browser.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    /// <summary>
    /// A download only an admin may take, the raw answers of a round, on either provider (the backup file is SQLite's).
    /// </summary>
    private async Task<string> AdminFileAsync()
    {
        await site.EnsureRoundAsync("session-file");
        return "/admin/rounds/session-file/responses.csv";
    }

    private static async Task<List<AdminSession>> SessionsOfAsync(SurveyDb db, string name) =>
        await db.AdminSessions.AsNoTracking()
            .Join(db.AdminUsers.Where(a => a.Name == name), s => s.AdminUserId, a => a.Id, (s, _) => s)
            .ToListAsync();

    /// <summary>A browser signed in as a new admin, and its cookie jar, out of which an attacker would copy the cookie.</summary>
    private async Task<(HttpClient Browser, CookieContainer Jar)> SignedInWithJarAsync(string name)
    {
        await site.CreateAdminAsync(name);
        var jar = new CookieContainer();
        var browser = site.CreateDefaultClient(new CookieContainerHandler(jar));
        using var login = await browser.LoginAsync(name, AdminSiteFactory.Password);
        Assert.Equal("/admin", login.Headers.Location?.OriginalString);
        return (browser, jar);
    }

    private static string AdminCookie(CookieContainer jar) =>
        string.Join("; ", jar.GetCookies(new Uri("http://localhost/admin")).Where(c => c.Name.StartsWith("HejSurvey.Admin", StringComparison.Ordinal)).Select(c => $"{c.Name}={c.Value}"));

    private HttpClient WithCookie(string cookie)
    {
        var client = site.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }
}
