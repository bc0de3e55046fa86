using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Tests.Pages;

/// <summary>The site with login limits high enough for a test class that signs in many times; tests of the limits set their own.</summary>
public class AdminSiteFactory : SiteFactory
{
    public const string Password = "correct horse battery staple";

    public AdminSiteFactory()
        : this(DatabaseProvider.Sqlite)
    {
    }

    protected AdminSiteFactory(DatabaseProvider provider)
        : base(provider)
    {
        Settings["Admin:LoginPermitsPerAddressPerMinute"] = "100000";
        Settings["Admin:LoginPermitsPerNamePerMinute"] = "100000";
    }

    /// <summary>Stores an admin with <see cref="Password"/> (or the given one), as the command line does.</summary>
    public async Task CreateAdminAsync(string name, string password = Password)
    {
        await using var db = Db();
        await AdminCommand.SaveAsync(db, SiteFactory.PasswordHasher, name, password, DateTime.UtcNow);
    }

    /// <summary>A browser signed in as a new admin of that name.</summary>
    public async Task<HttpClient> SignedInAsync(string name)
    {
        await CreateAdminAsync(name);
        var browser = Browser();
        using var response = await browser.LoginAsync(name, Password);
        Assert.Equal("/admin", response.Headers.Location?.OriginalString);
        return browser;
    }

    public async Task<List<AuditEntry>> AuditAsync(string? admin = null)
    {
        await using var db = Db();
        return await db.AuditEntries.AsNoTracking().Where(a => admin == null || a.Admin == admin).OrderBy(a => a.Id).ToListAsync();
    }

    /// <summary>The round of that slug, created open on first use, for tests that share one.</summary>
    public async Task EnsureRoundAsync(string slug)
    {
        await using (var db = Db())
        {
            if (await db.Rounds.AnyAsync(r => r.Slug == slug))
            {
                return;
            }
        }
        try
        {
            await CreateRoundAsync(slug);
        }
        catch (DbUpdateException)
        {
            // Created by a test running beside this one.
        }
    }

    public async Task<Round> RoundAsync(string slug)
    {
        await using var db = Db();
        return await db.Rounds.AsNoTracking().SingleAsync(r => r.Slug == slug);
    }
}

/// <summary>The admin site on its own PostgreSQL database.</summary>
public sealed class PostgresAdminSiteFactory() : AdminSiteFactory(DatabaseProvider.PostgreSQL);

public static class AdminBrowser
{
    public static async Task<HttpResponseMessage> LoginAsync(this HttpClient browser, string name, string password, string url = "/admin/login")
    {
        var page = await browser.GetPageAsync(url);
        var fields = HtmlForm.HiddenFields(page).Append(new("Input.Name", name)).Append(new("Input.Password", password));
        return await browser.PostFormAsync(url, fields);
    }

    /// <summary>Posts one of the round page's forms (with its antiforgery token) to the given handler.</summary>
    public static async Task<HttpResponseMessage> ChangeRoundAsync(this HttpClient browser, string slug, string handler, params (string Name, string Value)[] fields)
    {
        var page = await browser.GetPageAsync($"/admin/rounds/{slug}");
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var form = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).Append(new("__RequestVerificationToken", token));
        return await browser.PostFormAsync($"/admin/rounds/{slug}?handler={handler}", form);
    }
}
