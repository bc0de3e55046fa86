using System.Text.RegularExpressions;
using HejSurvey.Web.Data;
using Microsoft.Playwright;

namespace HejSurvey.Tests.Browser;

/// <summary>
/// The admin's safety and clarity in a real Chromium, on a 390 px phone and a 1366 px desktop, in Swedish and English:
/// closing through its confirmation, the survey's address copied and its QR code drawn, the audit log in sentences,
/// and no admin page wider than the screen; axe finds nothing on any of them.
/// </summary>
[Collection(UsesBrowser.Name)]
[Trait("Category", "Browser")]
public sealed partial class AdminSafetyBrowserTests(BrowserSite browser)
{
    /// <summary>The common laptop width the issue names, beside the site's usual desktop of 1280.</summary>
    private static readonly Screen Laptop = new("laptop", 1366, 900, false);

    public static TheoryData<string, string> CulturesAndScreens() => new()
    {
        { "sv", Screen.Phone.Name },
        { "sv", Laptop.Name },
        { "en", Screen.Phone.Name },
        { "en", Laptop.Name },
    };

    /// <summary>A signed-in tab on that screen whose language switch is set, so that links followed keep the language.</summary>
    private async Task<BrowserTab> OpenAsync(string screen, string culture)
    {
        var tab = await browser.OpenAsync(screen == Screen.Phone.Name ? Screen.Phone : Laptop);
        await browser.SignInAsync(tab);
        await tab.GotoAsync($"/language/{culture}");
        return tab;
    }

    [Theory]
    [MemberData(nameof(CulturesAndScreens))]
    public async Task Closing_goes_through_a_confirmation_that_names_the_round_and_its_responses(string culture, string screen)
    {
        await using var tab = await OpenAsync(screen, culture);
        var round = await browser.Site.CreateRoundAsync($"close-{culture}-{screen}");
        var page = tab.Page;

        await tab.GotoAsync($"/admin/rounds/{round.Slug}", culture);
        await page.Locator("#close-round").ClickAsync();
        await page.WaitForURLAsync($"**/admin/rounds/{round.Slug}/close");

        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(culture == "en" ? round.TitleEn : round.TitleSv);
        await Assertions.Expect(page.Locator("#close-warning")).ToContainTextAsync(culture == "en" ? "has 0 responses" : "har 0 svar");
        await AssertFitsAsync(tab);
        await tab.AssertAccessibleAsync();
        await tab.ScreenshotAsync($"admin-close-{culture}");

        // Changing one's mind changes nothing.
        await page.Locator("a.button.secondary").ClickAsync();
        await page.WaitForURLAsync($"**/admin/rounds/{round.Slug}");
        Assert.Equal(RoundState.Open, (await RoundAsync(round.Slug)).State);

        await page.Locator("#close-round").ClickAsync();
        await page.Locator("#close-confirmed").ClickAsync();
        await page.WaitForURLAsync($"**/admin/rounds/{round.Slug}");
        await Assertions.Expect(page.Locator("#state")).ToHaveTextAsync(culture == "en" ? "Closed" : "Stängd");
        Assert.Equal(RoundState.Closed, (await RoundAsync(round.Slug)).State);
        await Assertions.Expect(page.Locator("#close-round")).ToHaveCountAsync(0);
        await AssertFitsAsync(tab);
        await tab.AssertAccessibleAsync();
        tab.AssertOnlySiteRequests();
    }

    [Theory]
    [MemberData(nameof(CulturesAndScreens))]
    public async Task The_survey_address_is_copied_with_one_click_and_its_QR_code_is_drawn(string culture, string screen)
    {
        await using var tab = await OpenAsync(screen, culture);
        await tab.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = browser.BaseAddress.GetLeftPart(UriPartial.Authority) });
        var round = await browser.SharedRoundAsync("address-browser");
        var page = tab.Page;

        await tab.GotoAsync($"/admin/rounds/{round.Slug}", culture);

        var address = await page.Locator("#survey-url").InputValueAsync();
        Assert.Equal($"{browser.BaseAddress.GetLeftPart(UriPartial.Authority)}/survey/{round.Slug}", address);
        var copy = page.Locator("button[data-copy=survey-url]");
        await Assertions.Expect(copy).ToBeVisibleAsync();
        await copy.ClickAsync();
        await Assertions.Expect(page.Locator("#survey-url-status")).ToHaveTextAsync(culture == "en" ? "The address has been copied." : "Adressen är kopierad.");
        Assert.Equal(address, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        var qr = page.Locator(".qr-code img");
        await qr.ScrollIntoViewIfNeededAsync();
        await Assertions.Expect(qr).ToBeVisibleAsync();
        Assert.True(await qr.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "The QR code did not load.");
        var box = await qr.BoundingBoxAsync();
        Assert.True(box is { Width: >= 150, Height: >= 150 }, "The QR code is too small to scan from a screen.");
        Assert.Contains(address, await qr.GetAttributeAsync("alt") ?? "", StringComparison.Ordinal);
        var (name, png) = await tab.DownloadAsync(() => page.Locator("a[href$='qr.png']").ClickAsync());
        Assert.Equal($"{round.Slug}-qr.png", name);
        Assert.Equal(0x89, png[0]);
        await AssertFitsAsync(tab);
        await tab.AssertAccessibleAsync();
        tab.AssertOnlySiteRequests();
    }

    [Theory]
    [MemberData(nameof(CulturesAndScreens))]
    public async Task The_audit_log_reads_as_sentences_without_codes(string culture, string screen)
    {
        await using var tab = await OpenAsync(screen, culture);
        // Something of every kind an admin does often: a round made, opened, published, and a failed sign-in.
        var round = await browser.SharedRoundAsync("audit-browser", RoundState.Draft);
        await using (var db = browser.Site.Db())
        {
            Web.Admin.AuditLog.Audit(db, DateTime.UtcNow, "granskare", Web.Admin.AuditAction.RoundCreated, round.Slug);
            Web.Admin.AuditLog.Audit(db, DateTime.UtcNow, "granskare", Web.Admin.AuditAction.LoginFailed, "wrong password");
            Web.Admin.AuditLog.Audit(db, DateTime.UtcNow, "granskare", Web.Admin.AuditAction.SessionsEnded, "signed out everywhere: 1 open sessions ended");
            await db.SaveChangesAsync();
        }

        await tab.GotoAsync("/admin/audit", culture);

        var sentences = await tab.Page.Locator("#audit td.audit-entry").AllInnerTextsAsync();
        Assert.NotEmpty(sentences);
        Assert.All(sentences, s =>
        {
            Assert.DoesNotMatch(Code(), s);
            Assert.EndsWith(".", s.Trim(), StringComparison.Ordinal);
        });
        Assert.Contains(culture == "en" ? "Failed sign-in: wrong password." : "Misslyckad inloggning: fel lösenord.", sentences);
        Assert.DoesNotContain(sentences, s => s.Contains("1 open sessions", StringComparison.Ordinal));
        await AssertFitsAsync(tab);
        await tab.AssertAccessibleAsync();
        await tab.ScreenshotAsync($"admin-audit-sentences-{culture}");
    }

    [Theory]
    [MemberData(nameof(CulturesAndScreens))]
    public async Task No_admin_page_is_wider_than_the_screen(string culture, string screen)
    {
        await using var tab = await OpenAsync(screen, culture);
        var round = await browser.SharedRoundAsync("wide-browser", RoundState.Open, published: true, live: true);
        var draft = await browser.SharedRoundAsync("wide-browser-draft", RoundState.Draft);

        foreach (var path in new[] { "/admin", $"/admin/rounds/{round.Slug}", $"/admin/rounds/{draft.Slug}", $"/admin/rounds/{round.Slug}/close", "/admin/audit", "/admin/health", "/admin/sessions", "/admin/rounds/new" })
        {
            Assert.Equal(200, await tab.GotoAsync(path, culture));
            await AssertFitsAsync(tab);
            await tab.AssertAccessibleAsync();
        }
        tab.AssertOnlySiteRequests();
    }

    /// <summary>Reflow (WCAG 1.4.10): nothing on the page makes the screen scroll sideways; a wide table scrolls in its own region.</summary>
    private static async Task AssertFitsAsync(BrowserTab tab) =>
        Assert.True(await tab.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"{tab.Page.Url} is wider than the {tab.Screen} screen.");

    private async Task<Round> RoundAsync(string slug)
    {
        await using var db = browser.Site.Db();
        return db.Rounds.Single(r => r.Slug == slug);
    }

    /// <summary>An audit code as stored: lower-case words joined by hyphens, such as login-failed.</summary>
    [GeneratedRegex(@"\b[a-z]+-(failed|saved|removed|ended|expired|created|opened|closed|published|unpublished|on|off|at)\b")]
    private static partial Regex Code();
}
