using HejSurvey.Web.Data;
using Microsoft.Playwright;

namespace HejSurvey.Tests.Browser;

/// <summary>
/// Every page a visitor can reach today, in both languages and on both screens: no WCAG 2.1 A/AA violation
/// that axe can find, nothing loaded from another host, and a screenshot for a reviewer.
/// </summary>
[Collection(UsesBrowser.Name)]
[Trait("Category", "Browser")]
public sealed class PageTests(BrowserSite browser)
{
    public static readonly string[] Pages = ["landing", "survey", "survey-errors", "thanks", "already-answered", "not-open", "closed", "not-found", "accessibility", "privacy",
        "results-list", "results", "results-by-orgtype", "results-by-role", "results-by-size", "results-compare", "results-live", "results-unpublished", "results-method", "results-embed"];

    /// <summary>Pages that differ from another only in their data (the breakdowns by role and size are built as the one by orgtype): one screen each.</summary>
    private static readonly Dictionary<string, Screen> OneScreen = new() { ["results-by-role"] = Screen.Phone, ["results-by-size"] = Screen.Desktop };

    public static TheoryData<string, string, string> EveryPage()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var page in Pages)
        {
            foreach (var culture in new[] { "sv", "en" })
            {
                foreach (var screen in Screen.All.Where(screen => OneScreen.GetValueOrDefault(page, screen) == screen))
                {
                    data.Add(page, culture, screen.Name);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPage))]
    public async Task The_page_passes_axe_loads_nothing_from_elsewhere_and_is_photographed(string name, string culture, string screen)
    {
        await using var tab = await browser.OpenAsync(screen == Screen.Phone.Name ? Screen.Phone : Screen.Desktop);
        var status = await OpenAsync(tab, name, culture);

        Assert.Equal(ExpectedStatus(name), status);
        Assert.Equal(culture, await tab.Page.Locator("html").GetAttributeAsync("lang"));
        await tab.ScreenshotAsync($"{name}-{culture}");
        // A chart framed on another site carries no site header or footer of its own.
        var chrome = name == "results-embed" ? 0 : 1;
        Assert.Equal(chrome, await tab.Page.GetByRole(AriaRole.Banner).CountAsync());
        Assert.Equal(1, await tab.Page.GetByRole(AriaRole.Main).CountAsync());
        Assert.Equal(chrome, await tab.Page.GetByRole(AriaRole.Contentinfo).CountAsync());
        Assert.Equal(1, await tab.Page.Locator("h1").CountAsync());
        // Reflow (WCAG 1.4.10): nothing on the page makes a phone scroll sideways.
        Assert.True(await tab.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The page is wider than the screen.");
        await tab.AssertAccessibleAsync();
        tab.AssertOnlySiteRequests();
    }

    private static int ExpectedStatus(string name) => name switch
    {
        "closed" => 410,
        "not-open" or "not-found" or "results-unpublished" => 404,
        _ => 200,
    };

    /// <summary>Brings the tab to the named page in the given state and returns the status of the document it shows.</summary>
    private async Task<int> OpenAsync(BrowserTab tab, string name, string culture)
    {
        var open = await browser.SharedRoundAsync("pages-open");
        switch (name)
        {
            case "landing":
                return await tab.GotoAsync("/", culture);
            case "survey":
                return await tab.GotoAsync($"/survey/{open.Slug}", culture);
            case "survey-errors":
                await tab.GotoAsync($"/survey/{open.Slug}", culture);
                var post = await tab.Page.RunAndWaitForResponseAsync(
                    () => tab.Page.Locator("form[method=post] button[type=submit]").ClickAsync(),
                    r => r.Request.Method == "POST");
                await tab.Page.Locator("#error-summary").WaitForAsync();
                return post.Status;
            case "thanks":
                return await tab.GotoAsync($"/survey/{open.Slug}/thanks", culture);
            case "already-answered":
                var answered = await browser.SharedRoundAsync("pages-answered");
                await browser.MarkAnsweredAsync(tab, answered);
                var status = await tab.GotoAsync($"/survey/{answered.Slug}", culture);
                await Assertions.Expect(tab.Page.Locator(".notice.ok")).ToBeVisibleAsync();
                return status;
            case "not-open":
                var draft = await browser.SharedRoundAsync("pages-draft", RoundState.Draft);
                return await tab.GotoAsync($"/survey/{draft.Slug}", culture);
            case "closed":
                var closed = await browser.SharedRoundAsync("pages-closed", RoundState.Closed);
                return await tab.GotoAsync($"/survey/{closed.Slug}", culture);
            case "not-found":
                return await tab.GotoAsync("/survey/no-such-round", culture);
            case "accessibility":
                return await tab.GotoAsync("/accessibility", culture);
            case "privacy":
                return await tab.GotoAsync("/privacy", culture);
            case "results-list":
                await browser.SharedResultsAsync();
                return await tab.GotoAsync("/results", culture);
            case "results" or "results-by-orgtype" or "results-by-role" or "results-by-size" or "results-compare" or "results-live":
                var rounds = await browser.SharedResultsAsync();
                var path = name switch
                {
                    "results-live" => $"/results/{rounds.Live.Slug}",
                    "results-compare" => $"/results/{rounds.ThisYear.Slug}?compare={rounds.LastYear.Slug}",
                    "results" => $"/results/{rounds.ThisYear.Slug}",
                    _ => $"/results/{rounds.ThisYear.Slug}?by={name["results-by-".Length..]}",
                };
                // Charts drawn at once rather than animated, so the screenshot shows them finished.
                await tab.Page.EmulateMediaAsync(new() { ReducedMotion = ReducedMotion.Reduce });
                var shown = await tab.GotoAsync(path, culture);
                await tab.WaitForChartsAsync();
                foreach (var canvas in await tab.Page.Locator("canvas[data-chart]").AllAsync())
                {
                    Assert.True(await tab.CanvasHasInkAsync(canvas), $"A chart on {path} was not drawn.");
                }
                return shown;
            case "results-method":
                return await tab.GotoAsync($"/results/{(await browser.SharedResultsAsync()).ThisYear.Slug}/method", culture);
            case "results-embed":
                await tab.Page.EmulateMediaAsync(new() { ReducedMotion = ReducedMotion.Reduce });
                var embedded = await tab.GotoAsync($"/results/{(await browser.SharedResultsAsync()).ThisYear.Slug}/embed/lead_drive?by=orgtype", culture);
                await tab.WaitForChartsAsync();
                return embedded;
            case "results-unpublished":
                return await tab.GotoAsync($"/results/{(await browser.SharedResultsAsync()).Unpublished.Slug}", culture);
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "No such page in the sweep.");
        }
    }
}
