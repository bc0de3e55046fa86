using System.Net;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Tests.Pages;

public abstract class AdminAccessTests(AdminSiteFactory site)
{
    public sealed class OnSqlite(AdminSiteFactory site) : AdminAccessTests(site), IClassFixture<AdminSiteFactory>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresAdminSiteFactory site) : AdminAccessTests(site), IClassFixture<PostgresAdminSiteFactory>;

    [Theory]
    [InlineData("/admin")]
    [InlineData("/admin/rounds/new")]
    [InlineData("/admin/rounds/access-round")]
    [InlineData("/admin/audit")]
    [InlineData("/admin/health")]
    [InlineData("/admin/logout")]
    public async Task An_anonymous_visitor_to_an_admin_page_is_sent_to_the_login(string url)
    {
        await site.EnsureRoundAsync("access-round");

        using var response = await site.Browser().GetAsync(url);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/admin/login?ReturnUrl={Uri.EscapeDataString(url)}", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/admin/rounds/access-round/responses.csv")]
    [InlineData("/admin/rounds/access-round/responses.json")]
    [InlineData("/admin/rounds/access-round/codebook.csv")]
    [InlineData("/admin/rounds/access-round/codebook.json")]
    [InlineData("/admin/rounds/access-round/responses.xlsx")]
    [InlineData("/admin/rounds/access-round/responses.sps")]
    [InlineData("/admin/rounds/access-round/responses.R")]
    [InlineData("/admin/backup")]
    public async Task An_anonymous_download_is_refused_with_401_and_no_data(string url)
    {
        await site.EnsureRoundAsync("access-round");

        using var response = await site.Browser().GetAsync(url);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Null(response.Content.Headers.ContentDisposition);
    }

    [Theory]
    [InlineData("Open")]
    [InlineData("Close")]
    [InlineData("Publish")]
    [InlineData("Live")]
    public async Task An_anonymous_post_changes_nothing(string handler)
    {
        var round = await site.CreateRoundAsync($"access-post-{handler.ToLowerInvariant()}", RoundState.Draft);

        using var response = await site.Browser().PostFormAsync($"/admin/rounds/{round.Slug}?handler={handler}", [new("on", "true")]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/admin/login", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        var after = await site.RoundAsync(round.Slug);
        Assert.Equal((RoundState.Draft, false, false), (after.State, after.IsPublished, after.LiveResults));
    }

    [Fact]
    public async Task An_admin_signs_in_goes_back_to_the_page_asked_for_and_signs_out()
    {
        await site.CreateAdminAsync("access-ada");
        var browser = site.Browser();

        using var login = await browser.LoginAsync("access-ada", AdminSiteFactory.Password, "/admin/login?ReturnUrl=%2Fadmin%2Faudit");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/admin/audit", login.Headers.Location?.OriginalString);
        var audit = await browser.GetPageAsync("/admin/audit");
        Assert.Contains("access-ada", audit.QuerySelector("#audit")!.TextContent, StringComparison.Ordinal);

        var dashboard = await browser.GetPageAsync("/admin");
        var logoutForm = HtmlForm.HiddenFields(dashboard, "form[action='/admin/logout']");
        using var logout = await browser.PostFormAsync("/admin/logout", logoutForm);
        Assert.Equal("/admin/login", logout.Headers.Location?.OriginalString);
        using var afterwards = await browser.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, afterwards.StatusCode);
        Assert.Equal([AuditAction.Login, AuditAction.Logout], (await site.AuditAsync("access-ada")).Select(a => a.Action));
    }

    [Fact]
    public async Task A_return_address_outside_the_admin_area_is_ignored()
    {
        await site.CreateAdminAsync("access-redirect");

        using var login = await site.Browser().LoginAsync("access-redirect", AdminSiteFactory.Password, "/admin/login?ReturnUrl=https%3A%2F%2Fevil.example%2F");

        Assert.Equal("/admin", login.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_wrong_name_and_a_wrong_password_get_the_same_answer()
    {
        await site.CreateAdminAsync("access-bea");

        using var wrongName = await site.Browser().LoginAsync("access-nobody", AdminSiteFactory.Password);
        using var wrongPassword = await site.Browser().LoginAsync("access-bea", "not the password");

        Assert.Equal(HttpStatusCode.OK, wrongName.StatusCode);
        Assert.Equal(HttpStatusCode.OK, wrongPassword.StatusCode);
        var nameMessage = (await HtmlForm.ParseAsync(wrongName)).QuerySelector("#error-summary")!.TextContent.Trim();
        var passwordMessage = (await HtmlForm.ParseAsync(wrongPassword)).QuerySelector("#error-summary")!.TextContent.Trim();
        Assert.Contains("Fel namn eller lösenord. Efter 5 misslyckade försök låses kontot i 15 minuter.", nameMessage, StringComparison.Ordinal);
        Assert.Equal(nameMessage, passwordMessage);
        Assert.Null(wrongName.Headers.Location);
        Assert.Contains(await site.AuditAsync("access-nobody"), a => a.Action == AuditAction.LoginFailed);
        Assert.Contains(await site.AuditAsync("access-bea"), a => a.Action == AuditAction.LoginFailed);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_for_fifteen_minutes_even_against_the_right_password()
    {
        await site.CreateAdminAsync("access-cid");
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await site.Browser().LoginAsync("access-cid", $"wrong {i}");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }

        using var right = await site.Browser().LoginAsync("access-cid", AdminSiteFactory.Password);

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("Fel namn eller lösenord", (await HtmlForm.ParseAsync(right)).QuerySelector("#error-summary")!.TextContent, StringComparison.Ordinal);
        await using (var db = site.Db())
        {
            var admin = await db.AdminUsers.SingleAsync(a => a.Name == "access-cid");
            Assert.InRange(admin.LockedUntil!.Value, DateTime.UtcNow.AddMinutes(14), DateTime.UtcNow.AddMinutes(15.1));
            // The lock runs out: the right password works again.
            admin.LockedUntil = DateTime.UtcNow.AddSeconds(-1);
            await db.SaveChangesAsync();
        }
        Assert.Equal(
            [AuditAction.LoginFailed, AuditAction.LoginFailed, AuditAction.LoginFailed, AuditAction.LoginFailed, AuditAction.LoginLocked, AuditAction.LoginFailed],
            (await site.AuditAsync("access-cid")).Select(a => a.Action));
        using var afterLock = await site.Browser().LoginAsync("access-cid", AdminSiteFactory.Password);
        Assert.Equal("/admin", afterLock.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_lock_and_the_message_follow_the_configured_number_of_failures_and_minutes()
    {
        using var configured = new AdminSiteFactory();
        configured.Settings["Admin:MaxFailedLogins"] = "3";
        configured.Settings["Admin:LockoutMinutes"] = "7";
        await configured.CreateAdminAsync("access-eva");

        for (var i = 0; i < 3; i++)
        {
            using var wrong = await configured.Browser().LoginAsync("access-eva", $"wrong {i}");
            Assert.Contains("Efter 3 misslyckade försök låses kontot i 7 minuter.",
                (await HtmlForm.ParseAsync(wrong)).QuerySelector("#error-summary")!.TextContent, StringComparison.Ordinal);
        }

        await using var db = configured.Db();
        var admin = await db.AdminUsers.SingleAsync(a => a.Name == "access-eva");
        Assert.InRange(admin.LockedUntil!.Value, DateTime.UtcNow.AddMinutes(6), DateTime.UtcNow.AddMinutes(7.1));
    }

    [Fact]
    public async Task Four_wrong_passwords_then_the_right_one_start_the_count_again()
    {
        await site.CreateAdminAsync("access-dan");
        for (var i = 0; i < 4; i++)
        {
            using var wrong = await site.Browser().LoginAsync("access-dan", "wrong");
        }
        using var right = await site.Browser().LoginAsync("access-dan", AdminSiteFactory.Password);
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);

        using var oneMoreWrong = await site.Browser().LoginAsync("access-dan", "wrong");

        await using var db = site.Db();
        var admin = await db.AdminUsers.SingleAsync(a => a.Name == "access-dan");
        Assert.Equal((1, (DateTime?)null), (admin.FailedLogins, admin.LockedUntil));
    }

    [Fact]
    public async Task The_command_line_creates_an_admin_and_resets_a_password_read_from_standard_input()
    {
        var output = new StringWriter();

        var created = await AdminCommand.RunAsync(site.Services, ["admin", "add", "access-cli", "--password-stdin"], new StringReader("first password 123\n"), output);
        var reset = await AdminCommand.RunAsync(site.Services, ["admin", "add", "access-cli", "--password-stdin"], new StringReader("second password 456\n"), output);
        var tooShort = await AdminCommand.RunAsync(site.Services, ["admin", "add", "access-cli", "--password-stdin"], new StringReader("short\n"), output);
        var noStdin = await AdminCommand.RunAsync(site.Services, ["admin", "add", "access-cli"], new StringReader("second password 456\n"), output);

        Assert.Equal((0, 0, 2, 2), (created, reset, tooShort, noStdin));
        Assert.DoesNotContain("password 456", output.ToString(), StringComparison.Ordinal);
        using var old = await site.Browser().LoginAsync("access-cli", "first password 123");
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        using var current = await site.Browser().LoginAsync("access-cli", "second password 456");
        Assert.Equal(HttpStatusCode.Redirect, current.StatusCode);
        await using var db = site.Db();
        Assert.Equal(1, await db.AdminUsers.CountAsync(a => a.Name == "access-cli"));
        Assert.NotEqual("second password 456", (await db.AdminUsers.SingleAsync(a => a.Name == "access-cli")).PasswordHash);
    }

    [Fact]
    public async Task Outside_Development_no_admin_is_made_up()
    {
        await using var db = site.Db();
        _ = site.Server;

        Assert.False(await db.AdminUsers.AnyAsync(a => a.Name == "admin"));
    }
}

public abstract class FirstAdminTests(DatabaseProvider provider)
{
    public sealed class OnSqlite() : FirstAdminTests(DatabaseProvider.Sqlite);

    [PostgresSuite]
    public sealed class OnPostgreSQL() : FirstAdminTests(DatabaseProvider.PostgreSQL);

    [Fact]
    public async Task When_asked_for_an_empty_site_gets_one_admin_with_a_random_password()
    {
        using var site = SiteFactory.On(provider);
        site.Settings["Admin:CreateFirstAdmin"] = "true";
        _ = site.Server;

        await using var db = site.Db();
        var admin = await db.AdminUsers.SingleAsync();
        Assert.Equal("admin", admin.Name);
        Assert.StartsWith("AQAAAA", admin.PasswordHash, StringComparison.Ordinal); // an ASP.NET Core Identity v3 hash, not a password
    }
}

public abstract class LoginRateLimitTests : IDisposable
{
    public sealed class OnSqlite() : LoginRateLimitTests(DatabaseProvider.Sqlite);

    [PostgresSuite]
    public sealed class OnPostgreSQL() : LoginRateLimitTests(DatabaseProvider.PostgreSQL);

    private readonly SiteFactory site;

    protected LoginRateLimitTests(DatabaseProvider provider)
    {
        site = SiteFactory.On(provider);
        site.Settings["Admin:LoginPermitsPerAddressPerMinute"] = "4";
        site.Settings["Admin:LoginPermitsPerNamePerMinute"] = "2";
    }

    [Fact]
    public async Task Login_posts_are_limited_per_name_and_per_address_with_429_and_Retry_After()
    {
        var browser = site.Browser();
        var form = HtmlForm.HiddenFields(await browser.GetPageAsync("/admin/login"));
        Task<HttpResponseMessage> Attempt(string name) =>
            browser.PostFormAsync("/admin/login", form.Append(new("Input.Name", name)).Append(new("Input.Password", "guess")));

        using var first = await Attempt("mallory");
        using var second = await Attempt("mallory");
        using var thirdSameName = await Attempt("mallory");
        using var otherName = await Attempt("trudy");
        using var overAddressLimit = await Attempt("victor");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], [first.StatusCode, second.StatusCode]);
        Assert.Equal(HttpStatusCode.TooManyRequests, thirdSameName.StatusCode);
        Assert.True(thirdSameName.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.OK, otherName.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, overAddressLimit.StatusCode);
        Assert.True(overAddressLimit.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        // Reading the login page is never limited.
        using var page = await browser.GetAsync("/admin/login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    public void Dispose()
    {
        site.Dispose();
        GC.SuppressFinalize(this);
    }
}
