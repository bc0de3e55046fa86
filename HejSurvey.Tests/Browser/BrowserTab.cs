using System.Collections.Concurrent;
using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace HejSurvey.Tests.Browser;

/// <summary>
/// One browser context with one page, as a single visitor sees the site. Records every URL its pages ask for,
/// and carries the checks every page must pass: axe, screenshots, no third-party requests.
/// </summary>
public sealed class BrowserTab(BrowserSite site, IBrowserContext context, IPage page, Screen screen) : IAsyncDisposable
{
    /// <summary>The WCAG 2.0 and 2.1 A and AA rules, the level Swedish law asks of public-sector sites.</summary>
    public static readonly IReadOnlyList<string> WcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

    private readonly ConcurrentQueue<string> _requests = Record(page);

    public IPage Page => page;
    public IBrowserContext Context => context;
    public Screen Screen => screen;

    /// <summary>Every URL this tab's pages requested, in order: documents, styles, scripts, images, fetches.</summary>
    public IReadOnlyCollection<string> Requests => _requests;

    private static ConcurrentQueue<string> Record(IPage page)
    {
        var requests = new ConcurrentQueue<string>();
        page.Request += (_, request) => requests.Enqueue(request.Url);
        return requests;
    }

    /// <summary>Opens a path of the site, optionally in a culture (?culture=en), and returns the HTTP status of the document.</summary>
    public async Task<int> GotoAsync(string path, string? culture = null)
    {
        var url = culture is null ? path : $"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}culture={culture}";
        var response = await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        return response?.Status ?? 0;
    }

    /// <summary>The element that has keyboard focus, described as "tag#id[name=value]".</summary>
    public Task<string> FocusedAsync() => page.EvaluateAsync<string>(
        "() => { const e = document.activeElement; if (!e) return ''; return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.name ? '[' + e.name + '=' + (e.value ?? '') + ']' : ''); }");

    /// <summary>Presses Tab until the described element (as <see cref="FocusedAsync"/> names it) has focus.</summary>
    public async Task TabToAsync(string target)
    {
        var seen = new List<string>();
        for (var presses = 0; presses < 80; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focused = await FocusedAsync();
            if (focused == target)
            {
                return;
            }
            seen.Add(focused);
        }
        Assert.Fail($"Tab never reached {target}; it went through {string.Join(", ", seen.Distinct())}.");
    }

    /// <summary>Fails with the rule, its help text and the offending elements if axe finds any WCAG 2.1 A/AA violation.</summary>
    public async Task AssertAccessibleAsync()
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = [.. WcagTags] },
            // Only violations are reported; leaving out the passes' details takes a third off a results page with many tables.
            ResultTypes = [ResultType.Violations],
        });
        if (result.Violations.Length == 0)
        {
            return;
        }
        var report = new StringBuilder($"axe found {result.Violations.Length} WCAG violation(s) on {page.Url} ({screen}):");
        foreach (var violation in result.Violations)
        {
            report.Append("\n- ").Append(violation.Id).Append(": ").Append(violation.Help);
            foreach (var node in violation.Nodes.Take(5))
            {
                report.Append("\n    ").Append(node.Target).Append("  ").Append(node.Html);
            }
        }
        Assert.Fail(report.ToString());
    }

    /// <summary>Fails if a page of this tab asked any host but the site itself for anything.</summary>
    public void AssertOnlySiteRequests()
    {
        var site = new Uri(page.Url).GetLeftPart(UriPartial.Authority);
        var foreign = _requests.Where(url => !url.StartsWith(site + "/", StringComparison.Ordinal) && !url.StartsWith("data:", StringComparison.Ordinal)).ToList();
        Assert.True(foreign.Count == 0, $"Requests to other hosts than {site}: {string.Join(", ", foreign)}");
        Assert.NotEmpty(_requests);
    }

    /// <summary>Saves a full-page screenshot as screenshots/{name}-{screen}.png for a reviewer to look at.</summary>
    public async Task ScreenshotAsync(string name)
    {
        var file = Path.Combine(BrowserSite.ScreenshotFolder, $"{name}-{screen}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
    }

    /// <summary>Signs in on the admin login page with the keyboard-free shortcut of filling the form, and lands on what it redirects to.</summary>
    public async Task LogInAsync(string name, string password)
    {
        await GotoAsync("/admin/login");
        await page.Locator("form[method=post] input:not([type=hidden]):not([type=password])").First.FillAsync(name);
        await page.Locator("form[method=post] input[type=password]").FillAsync(password);
        await page.Locator("form[method=post] [type=submit]").ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.Load);
    }

    /// <summary>True when a canvas has drawn anything: some pixel is not fully transparent (for charts, once drawn by their script).</summary>
    public Task<bool> CanvasHasInkAsync(ILocator canvas) => canvas.EvaluateAsync<bool>(
        "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) return true; } return false; }");

    /// <summary>
    /// Scrolls to every canvas that has chart data in turn, as a reader would, and waits until the results script has
    /// made its chart (charts are drawn when they come into view; Chart.js keeps one per canvas).
    /// </summary>
    public async Task WaitForChartsAsync()
    {
        await page.WaitForFunctionAsync("() => window.Chart !== undefined");
        foreach (var canvas in await page.Locator("canvas[data-chart]").AllAsync())
        {
            await canvas.ScrollIntoViewIfNeededAsync();
            await canvas.EvaluateAsync("c => new Promise(done => { const wait = () => window.Chart.getChart(c) ? done() : requestAnimationFrame(wait); wait(); })");
        }
    }

    /// <summary>Runs an action that starts a download (a link to a CSV, a backup) and returns the file's name and bytes.</summary>
    public async Task<(string Name, byte[] Content)> DownloadAsync(Func<Task> start)
    {
        // A download starts when the server has made the whole file's first bytes; on a busy machine running the other
        // tests that can take longer than a page's usual wait, and the test checks the file, not the time. In whole runs
        // a click now and then started no download within 45 s, although the same click alone always did at once (its
        // cause is not found; a click lost to the page moving under it would look so); a person clicks again, and so
        // does the test, once.
        IDownload download;
        try
        {
            download = await page.RunAndWaitForDownloadAsync(start, new() { Timeout = 20_000 });
        }
        catch (TimeoutException)
        {
            download = await page.RunAndWaitForDownloadAsync(start, new() { Timeout = 45_000 });
        }
        await using var stream = await download.CreateReadStreamAsync();
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return (download.SuggestedFilename, copy.ToArray());
    }

    /// <summary>The site's own database, for checking what a browser journey stored.</summary>
    public HejSurvey.Web.Data.SurveyDb Db() => site.Site.Db();

    public async ValueTask DisposeAsync() => await context.CloseAsync();
}
