using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using HejSurvey.Tests.Pages;
using Microsoft.Playwright;
using UglyToad.PdfPig;

namespace HejSurvey.Tests.Browser;

/// <summary>
/// The results page as a journalist uses it, on a 390 px phone and a 1366 px desktop, in Swedish and English: the
/// key findings come first, nothing is wider than the screen, the share who agree is in sight in every table, each
/// chart downloads as an image and as figures, the embed page can be framed by another site (and nothing else
/// can), and the printed page holds every statement and no navigation.
/// </summary>
[Collection(UsesBrowser.Name)]
[Trait("Category", "Browser")]
public sealed class JournalistBrowserTests(BrowserSite browser)
{
    /// <summary>The desktop width of the issue's check; the shared Desktop screen is narrower.</summary>
    private static readonly Screen Wide = new("wide", 1366, 900, false);

    public static TheoryData<string, string> ScreensAndLanguages => new()
    {
        { "phone", "sv" }, { "phone", "en" }, { "wide", "sv" }, { "wide", "en" },
    };

    [Theory]
    [MemberData(nameof(ScreensAndLanguages))]
    public async Task Key_findings_come_first_and_the_share_who_agree_is_in_sight_without_scrolling_sideways(string screen, string culture)
    {
        var rounds = await browser.SharedResultsAsync();
        await using var tab = await browser.OpenAsync(screen == "phone" ? Screen.Phone : Wide);
        var page = tab.Page;
        // The widest case: a breakdown and a comparison at once.
        Assert.Equal(200, await tab.GotoAsync($"/results/{rounds.ThisYear.Slug}?by=role&compare={rounds.LastYear.Slug}", culture));

        Assert.Equal("key-findings", await page.EvaluateAsync<string>("() => document.querySelector('main h1').nextElementSibling.id"));
        var findings = await page.Locator("#key-findings .findings li").AllTextContentsAsync();
        Assert.True(findings.Count >= 2, "The key findings name the highest and the lowest statement at least.");
        Assert.Contains(culture == "en" ? "Most agree with" : "Flest instämmer i", findings[0], StringComparison.Ordinal);
        Assert.Matches(culture == "en" ? "^30 responses, collected from" : "^30 svar, insamlade från", (await page.Locator("#key-findings .period").TextContentAsync())!.Trim());
        // The compared round is named by its year, the full name kept for whoever asks.
        await Assertions.Expect(page.Locator("#lead_drive table.shares tbody th").First).ToHaveTextAsync(culture == "en" ? "2026 · All respondents" : "2026 · Alla svarande");

        await tab.WaitForChartsAsync();
        await tab.ScreenshotAsync($"journalist-{culture}");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The page is wider than the screen.");
        var width = await page.EvaluateAsync<double>("() => window.innerWidth");
        var statements = ResultsSite.Questionnaire.Statements.ToList();
        foreach (var statement in statements)
        {
            var agree = page.Locator($"#{statement.Key} table.shares thead th").Nth(1);
            await agree.ScrollIntoViewIfNeededAsync();
            var box = (await agree.BoundingBoxAsync())!;
            Assert.True(box.X >= 0 && box.X + box.Width <= width, $"The share who agree of {statement.Key} is at {box.X}–{box.X + box.Width}, the screen {width} wide.");
            foreach (var cell in await page.Locator($"#{statement.Key} table.shares td[data-figure=agree]").AllAsync())
            {
                var at = (await cell.BoundingBoxAsync())!;
                Assert.True(at.X + at.Width <= width, $"A share in {statement.Key} ends at {at.X + at.Width}, past the screen's {width}.");
            }
        }
        await tab.AssertAccessibleAsync();
    }

    [Fact]
    public async Task Every_chart_downloads_as_a_png_at_twice_the_size_with_its_source_and_as_a_csv_of_its_numbers()
    {
        var rounds = await browser.SharedResultsAsync();
        await using var tab = await browser.OpenAsync(Wide);
        var page = tab.Page;
        await tab.GotoAsync($"/results/{rounds.ThisYear.Slug}?by=orgtype", "sv");
        await tab.WaitForChartsAsync();

        var cards = await page.Locator("figure.result").AllAsync();
        Assert.Equal(2 + ResultsSite.Questionnaire.Statements.Count(), cards.Count);
        foreach (var card in cards)
        {
            var id = await card.GetAttributeAsync("id");
            // A stable anchor, a visible link to it, both downloads.
            await Assertions.Expect(card.Locator($"a.chart-link[href='#{id}']")).ToBeVisibleAsync();
            await Assertions.Expect(card.Locator("button[data-download=png]")).ToBeVisibleAsync();
            await Assertions.Expect(card.Locator("button[data-download=csv]")).ToBeVisibleAsync();
        }

        foreach (var id in new[] { "overview", "themes", "lead_drive" })
        {
            var card = page.Locator($"figure#{id}");
            var (name, png) = await tab.DownloadAsync(() => card.Locator("button[data-download=png]").ClickAsync());
            Assert.Equal($"{rounds.ThisYear.Slug}-{id}.png", name);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
            // IHDR: width and height in pixels, big-endian, at bytes 16–23; the chart is drawn 800 CSS pixels wide at 2×.
            var pixelWidth = (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19];
            var pixelHeight = (png[20] << 24) | (png[21] << 16) | (png[22] << 8) | png[23];
            Assert.Equal(1600, pixelWidth);
            Assert.Equal($"{pixelWidth}x{pixelHeight}", await card.Locator(".chart-tools").GetAttributeAsync("data-exported-size"));
            Assert.Equal($"Källa: Omgång {rounds.ThisYear.Slug}, Hej digitalt, CC BY 4.0", await card.Locator(".chart-tools").GetAttributeAsync("data-exported-source"));
            AssertDrawnImage(png, id);

            var (csvName, csvBytes) = await tab.DownloadAsync(() => card.Locator("button[data-download=csv]").ClickAsync());
            Assert.Equal($"{rounds.ThisYear.Slug}-{id}.csv", csvName);
            var csv = Encoding.UTF8.GetString(csvBytes);
            Assert.StartsWith("\ufeffEtikett,", csv, StringComparison.Ordinal);
            var chart = await card.Locator("script[type='application/json']").TextContentAsync();
            var labels = System.Text.Json.JsonDocument.Parse(chart!).RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!).ToList();
            var lines = csv.TrimEnd().Split("\r\n");
            Assert.Equal(labels.Count + 1, lines.Length);
            Assert.All(labels, label => Assert.Contains(lines, line => line.StartsWith(label.Contains(',', StringComparison.Ordinal) ? $"\"{label}\"" : label, StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task A_breakdown_with_a_comparison_draws_a_small_chart_per_group_and_its_image_holds_them_all()
    {
        var rounds = await browser.SharedResultsAsync();
        await using var tab = await browser.OpenAsync(Wide);
        var page = tab.Page;
        await tab.GotoAsync($"/results/{rounds.ThisYear.Slug}?by=role&compare={rounds.LastYear.Slug}", "sv");
        await tab.WaitForChartsAsync();

        // Everyone and the four roles, each in both rounds: ten lines, more than the eight colours.
        var panels = page.Locator("figure#themes .small-multiples canvas[data-chart]");
        var groups = await page.Locator("figure#themes .multiple-title").AllTextContentsAsync();
        Assert.Equal(await panels.CountAsync(), groups.Count);
        Assert.True(groups.Count >= 2, $"{groups.Count} small charts");
        Assert.Equal("Alla svarande", groups[0]);
        // Each small chart holds its group in this round and in the compared one, and no chart on the page holds more
        // lines than there are colours.
        var lines = await page.EvaluateAsync<int[]>("() => [...document.querySelectorAll('figure#themes .small-multiples canvas')].map(c => window.Chart.getChart(c).data.datasets.length)");
        Assert.All(lines, n => Assert.Equal(2, n));
        Assert.True(await page.EvaluateAsync<bool>("() => [...document.querySelectorAll('canvas[data-chart]')].every(c => { const chart = window.Chart.getChart(c); return !chart || chart.config.type !== 'bar' || chart.data.datasets.length <= 8 || chart.options.scales.x.stacked; })"));
        // The table keeps every line.
        Assert.Equal(2 * groups.Count, await page.Locator("figure#themes tbody tr").CountAsync());

        var card = page.Locator("figure#themes");
        var (name, png) = await tab.DownloadAsync(() => card.Locator("button[data-download=png]").ClickAsync());
        Assert.Equal($"{rounds.ThisYear.Slug}-themes.png", name);
        Assert.Equal($"Källa: Omgång {rounds.ThisYear.Slug}, Hej digitalt, CC BY 4.0", await card.Locator(".chart-tools").GetAttributeAsync("data-exported-source"));
        AssertDrawnImage(png, "themes");
        // Kept with the screenshots, for a look at the small multiples as downloaded and as on the page.
        await File.WriteAllBytesAsync(Path.Combine(BrowserSite.ScreenshotFolder, "small-multiples-download.png"), png);
        await card.ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(BrowserSite.ScreenshotFolder, "small-multiples-wide.png") });
        await tab.AssertAccessibleAsync();
    }

    [Fact]
    public async Task The_embed_page_can_be_framed_by_another_site_and_no_other_page_can()
    {
        var rounds = await browser.SharedResultsAsync();
        await using var tab = await browser.OpenAsync(Wide);
        var page = tab.Page;
        var site = browser.BaseAddress.ToString().TrimEnd('/');
        var embed = $"{site}/results/{rounds.ThisYear.Slug}/embed/lead_drive";
        // Another origin: a newsroom's page on a port of its own, served by the test, framing an embed page and the
        // results page. A real server rather than an intercepted request, so that Chromium sees a loopback page
        // framing a loopback page and its local-network checks do not stand in for the site's own headers.
        var port = FreePort();
        using var newsroom = new HttpListener();
        newsroom.Prefixes.Add($"http://127.0.0.1:{port}/");
        newsroom.Start();
        var article = Encoding.UTF8.GetBytes($"<!DOCTYPE html><html lang=\"sv\"><title>Newsroom</title><iframe id=\"embed\" src=\"{embed}\" title=\"a\"></iframe><iframe id=\"page\" src=\"{site}/results/{rounds.ThisYear.Slug}\" title=\"b\"></iframe></html>");
        var serving = Task.Run(async () =>
        {
            var context = await newsroom.GetContextAsync();
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.OutputStream.WriteAsync(article);
            context.Response.Close();
        });
        await page.GotoAsync($"http://127.0.0.1:{port}/article");
        await serving;
        await page.WaitForLoadStateAsync(LoadState.Load);

        var framed = page.FrameLocator("#embed");
        await Assertions.Expect(framed.Locator("figure#lead_drive table.shares")).ToBeVisibleAsync();
        await Assertions.Expect(framed.Locator("figure#lead_drive canvas")).ToBeVisibleAsync();
        await Assertions.Expect(framed.Locator("p.source")).ToHaveTextAsync($"Källa: Omgång {rounds.ThisYear.Slug}, Hej digitalt, CC BY 4.0");
        Assert.Equal(0, await framed.Locator("header, nav, footer").CountAsync());
        // The results page itself refuses: its frame holds the browser's error page, not the site.
        Assert.Equal(0, await page.FrameLocator("#page").Locator("main#main").CountAsync());

        var embedResponse = await page.APIRequest.GetAsync(embed);
        Assert.Contains("frame-ancestors *", embedResponse.Headers["content-security-policy"], StringComparison.Ordinal);
        Assert.False(embedResponse.Headers.ContainsKey("x-frame-options"));
        foreach (var path in new[] { $"/results/{rounds.ThisYear.Slug}", $"/results/{rounds.ThisYear.Slug}/method", "/", $"/results/{rounds.ThisYear.Slug}/embed" })
        {
            var response = await page.APIRequest.GetAsync(site + path);
            Assert.Contains("frame-ancestors 'none'", response.Headers["content-security-policy"], StringComparison.Ordinal);
            Assert.Equal("DENY", response.Headers["x-frame-options"]);
        }
        var unknown = await page.APIRequest.GetAsync($"{site}/results/{rounds.ThisYear.Slug}/embed/no-such-chart");
        Assert.Equal(404, unknown.Status);

        // On the results page the card offers the snippet that frames it.
        await tab.GotoAsync($"/results/{rounds.ThisYear.Slug}");
        var snippet = await page.Locator("#lead_drive-embed").TextContentAsync();
        // It frames the chart in the page's language, whatever the framing site's reader has chosen here.
        Assert.StartsWith($"<iframe src=\"{embed}?culture=sv\"", snippet, StringComparison.Ordinal);
        // Its button puts the snippet on the clipboard and says so.
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await page.Locator("#lead_drive details.embed summary").ClickAsync();
        await page.Locator("#lead_drive button[data-copy-snippet]").ClickAsync();
        await Assertions.Expect(page.Locator("#lead_drive-embed-status")).ToHaveTextAsync("Koden är kopierad.");
        Assert.Equal(snippet, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
    }

    [Theory]
    [InlineData("sv")]
    [InlineData("en")]
    public async Task The_printed_page_holds_every_statement_and_no_navigation(string culture)
    {
        var rounds = await browser.SharedResultsAsync();
        await using var tab = await browser.OpenAsync(Screen.Desktop);
        var page = tab.Page;
        await tab.GotoAsync($"/results/{rounds.ThisYear.Slug}", culture);
        await page.EmulateMediaAsync(new() { Media = Media.Print, ReducedMotion = ReducedMotion.Reduce });
        await page.EvaluateAsync("() => window.dispatchEvent(new Event('beforeprint'))");
        var pdf = await page.PdfAsync(new() { Format = "A4", PrintBackground = true });

        using var document = PdfDocument.Open(pdf);
        Assert.True(document.NumberOfPages > 1);
        var text = Squeeze(string.Join(" ", document.GetPages().Select(p => p.Text)));
        foreach (var statement in ResultsSite.Questionnaire.Statements)
        {
            Assert.Contains(Squeeze(culture == "en" ? statement.Text.En : statement.Text.Sv), text, StringComparison.Ordinal);
        }
        // No menu, footer, skip link or filter form in the report; the source on the pages.
        foreach (var chrome in culture == "en"
            ? new[] { "Skip to content", "Accessibility", "For administrators", "Break down by" }
            : ["Hoppa till innehållet", "Tillgänglighet", "För administratörer", "Dela upp efter"])
        {
            Assert.DoesNotContain(Squeeze(chrome), text, StringComparison.Ordinal);
        }
        Assert.Contains(Squeeze("CC BY 4.0"), text, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// The downloaded image itself, decoded: twice the 800 px chart, white where nothing is drawn (the corners), a
    /// title in the top band, and the source line in the bottom band, where the export writes it in dark grey.
    /// </summary>
    private static void AssertDrawnImage(byte[] png, string id)
    {
        var image = StbImageSharp.ImageResult.FromMemory(png, StbImageSharp.ColorComponents.RedGreenBlueAlpha);
        Assert.Equal(1600, image.Width);
        Assert.True(image.Height >= 400, $"{id}: {image.Height} px high");
        (byte R, byte G, byte B, byte A) Pixel(int x, int y)
        {
            var i = ((y * image.Width) + x) * 4;
            return (image.Data[i], image.Data[i + 1], image.Data[i + 2], image.Data[i + 3]);
        }
        bool Dark(int x, int y) => Pixel(x, y) is var p && p.A == 255 && p.R < 128 && p.G < 128 && p.B < 128;
        int DarkIn(int x0, int x1, int y0, int y1)
        {
            var count = 0;
            for (var y = y0; y < y1; y++)
            {
                for (var x = x0; x < x1; x++)
                {
                    count += Dark(x, y) ? 1 : 0;
                }
            }
            return count;
        }

        // An opaque white background, not a transparent one that a dark viewer would show black.
        foreach (var (x, y) in new[] { (0, 0), (image.Width - 1, 0), (0, image.Height - 1), (image.Width - 1, image.Height - 1), (image.Width - 4, image.Height / 2) })
        {
            Assert.Equal(((byte)255, (byte)255, (byte)255, (byte)255), Pixel(x, y));
        }
        // The source line: text in the bottom 40 px (20 CSS px) at the left, where the chart itself draws nothing.
        Assert.True(DarkIn(0, image.Width / 2, image.Height - 40, image.Height) > 200, $"{id}: no source line in the bottom band");
        // The title above the chart.
        Assert.True(DarkIn(0, image.Width, 0, 60) > 200, $"{id}: no title in the top band");
    }

    /// <summary>PDF text comes back without the spaces and line breaks of the layout: compare letters only.</summary>
    private static string Squeeze(string text) => Regex.Replace(text.Normalize(NormalizationForm.FormKC), @"[\s\u00a0]+", "");
}
