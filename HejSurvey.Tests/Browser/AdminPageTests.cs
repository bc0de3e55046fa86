using HejSurvey.Web.Data;
using Microsoft.Playwright;

namespace HejSurvey.Tests.Browser;

/// <summary>
/// Every page of the admin area, in both languages and on both screens, with its error states: no WCAG 2.1 A/AA
/// violation that axe can find, nothing loaded from another host, one heading, its landmarks, no sideways scroll,
/// and a screenshot for a reviewer.
/// </summary>
[Collection(UsesBrowser.Name)]
[Trait("Category", "Browser")]
public sealed class AdminPageTests(BrowserSite browser)
{
    public static readonly string[] Pages = ["login", "login-error", "dashboard", "new-round", "new-round-errors", "round", "close-round", "audit", "health", "sessions"];

    /// <summary>The pages only an admin who has signed in reaches; they carry the admin menu.</summary>
    private static readonly HashSet<string> SignedIn = ["dashboard", "new-round", "new-round-errors", "round", "close-round", "audit", "health", "sessions"];

    private static readonly HashSet<string> ErrorStates = ["login-error", "new-round-errors"];

    public static TheoryData<string, string, string> EveryPage()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var page in Pages)
        {
            foreach (var culture in new[] { "sv", "en" })
            {
                foreach (var screen in Screen.All)
                {
                    data.Add(page, culture, screen.Name);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPage))]
    public async Task The_admin_page_passes_axe_loads_nothing_from_elsewhere_and_is_photographed(string name, string culture, string screen)
    {
        await using var tab = await browser.OpenAsync(screen == Screen.Phone.Name ? Screen.Phone : Screen.Desktop);
        if (SignedIn.Contains(name))
        {
            await browser.SignInAsync(tab);
        }
        var status = await OpenAsync(tab, name, culture);
        var page = tab.Page;

        Assert.Equal(200, status);
        Assert.Equal(culture, await page.Locator("html").GetAttributeAsync("lang"));
        await tab.ScreenshotAsync($"admin-{name}-{culture}");
        Assert.Equal(1, await page.GetByRole(AriaRole.Banner).CountAsync());
        Assert.Equal(1, await page.GetByRole(AriaRole.Main).CountAsync());
        Assert.Equal(1, await page.GetByRole(AriaRole.Contentinfo).CountAsync());
        Assert.Equal(1, await page.Locator("h1").CountAsync());
        Assert.Equal(SignedIn.Contains(name) ? 1 : 0, await page.GetByRole(AriaRole.Navigation, new() { Name = "Administration" }).CountAsync());
        if (ErrorStates.Contains(name))
        {
            // Focus goes to the summary of what went wrong, so a screen reader reads it and a keyboard starts there.
            await Assertions.Expect(page.Locator("#error-summary")).ToBeFocusedAsync();
            Assert.StartsWith(culture == "en" ? "Error: " : "Fel: ", await page.TitleAsync(), StringComparison.Ordinal);
        }
        // Reflow (WCAG 1.4.10): nothing on the page makes a phone scroll sideways.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The page is wider than the screen.");
        await tab.AssertAccessibleAsync();
        tab.AssertOnlySiteRequests();
    }

    /// <summary>Brings the tab to the named admin page in the given state and returns the status of the document it shows.</summary>
    private async Task<int> OpenAsync(BrowserTab tab, string name, string culture)
    {
        var page = tab.Page;
        var round = await RoundWithResponsesAsync();
        switch (name)
        {
            case "login":
                return await tab.GotoAsync("/admin/login", culture);
            case "login-error":
                // An admin of its own per test: wrong passwords count towards locking that account.
                var admin = $"felskrivare-{culture}-{tab.Screen}";
                await browser.CreateAdminAsync(admin, "the right password");
                await tab.GotoAsync("/admin/login", culture);
                await page.Locator("#Input_Name").FillAsync(admin);
                await page.Locator("#Input_Password").FillAsync("a wrong password");
                return await SubmitAsync(page);
            case "dashboard":
                return await tab.GotoAsync("/admin", culture);
            case "new-round":
                var fresh = await tab.GotoAsync("/admin/rounds/new", culture);
                Assert.Null(await page.Locator("#Input_TitleSv").GetAttributeAsync("aria-describedby"));
                return fresh;
            case "new-round-errors":
                // A taken address name and no titles; the browser's own checks are turned off to reach the server's.
                await tab.GotoAsync("/admin/rounds/new", culture);
                await page.Locator("#Input_Slug").FillAsync(round.Slug);
                await page.Locator("form.admin-form").EvaluateAsync("f => f.noValidate = true");
                var status = await SubmitAsync(page);
                Assert.Equal(3, await page.Locator("#error-summary li").CountAsync());
                // Each field says it is wrong and a screen reader reads why, as it reaches the field.
                var title = page.Locator("#Input_TitleSv");
                Assert.Equal("true", await title.GetAttributeAsync("aria-invalid"));
                Assert.Equal("title-sv-error", await title.GetAttributeAsync("aria-describedby"));
                Assert.Equal(culture == "en" ? "Enter a Swedish title (at most 200 characters)." : "Skriv en svensk rubrik (högst 200 tecken).", await page.Locator("#title-sv-error").InnerTextAsync());
                Assert.Equal("slug-hint slug-error", await page.Locator("#Input_Slug").GetAttributeAsync("aria-describedby"));
                return status;
            case "round":
                return await tab.GotoAsync($"/admin/rounds/{round.Slug}", culture);
            case "close-round":
                return await tab.GotoAsync($"/admin/rounds/{round.Slug}/close", culture);
            case "audit":
                return await tab.GotoAsync("/admin/audit", culture);
            case "health":
                return await tab.GotoAsync("/admin/health", culture);
            case "sessions":
                return await tab.GotoAsync("/admin/sessions", culture);
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "No such page in the sweep.");
        }
    }

    /// <summary>Submits the page's form with its main button and returns the status of the page the POST answers with.</summary>
    private static async Task<int> SubmitAsync(IPage page)
    {
        var post = await page.RunAndWaitForResponseAsync(
            () => page.Locator("form.admin-form button[type=submit]").ClickAsync(),
            r => r.Request.Method == "POST");
        await page.WaitForLoadStateAsync(LoadState.Load);
        return post.Status;
    }

    private static readonly SemaphoreSlim Arranging = new(1, 1);

    /// <summary>An open round with responses on two days, so the round page and the dashboard show their tables of days.</summary>
    private async Task<Round> RoundWithResponsesAsync()
    {
        var round = await browser.SharedRoundAsync("admin-pages", live: true);
        await Arranging.WaitAsync();
        try
        {
            await using var db = browser.Site.Db();
            if (!db.Responses.Any(r => r.RoundId == round.Id))
            {
                var today = DateOnly.FromDateTime(DateTime.UtcNow);
                foreach (var day in new[] { today.AddDays(-1), today, today })
                {
                    db.Responses.Add(new Response { RoundId = round.Id, SubmittedOn = day, RespondentHash = Guid.NewGuid().ToString("N"), IdempotencyKey = Guid.NewGuid() });
                }
                await db.SaveChangesAsync();
            }
        }
        finally
        {
            Arranging.Release();
        }
        return round;
    }
}
