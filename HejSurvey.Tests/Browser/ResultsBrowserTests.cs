using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using HejSurvey.Tests.Pages;
using HejSurvey.Web.Components;
using Microsoft.Playwright;

namespace HejSurvey.Tests.Browser;

/// <summary>
/// A journalist in a real Chromium: the charts are drawn and described, the tables hold the same figures in the
/// reader's number format, the breakdown switch works from the keyboard, the page stands without JavaScript,
/// the CSV downloads and agrees with the page, and a small group is shown hidden, never as zero.
/// </summary>
[Collection(UsesBrowser.Name)]
[Trait("Category", "Browser")]
public sealed class ResultsBrowserTests(BrowserSite browser)
{
    private static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv-SE");
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    private static CultureInfo Culture(string culture) => culture == "en" ? English : Swedish;

    private static string Text(HejSurvey.Web.Survey.LocalizedText text, string culture) => culture == "en" ? text.En : text.Sv;

    private static readonly HejSurvey.Web.Survey.BackgroundQuestion Orgtype = ResultsSite.Questionnaire.Background.Single(b => b.Key == "orgtype");

    private static string HiddenFlag(string culture) => culture == "en" ? "Hidden to protect small groups" : "Dold för att skydda små grupper";

    /// <summary>What a reader finds in one figure of the page: the chart's data, its canvas and the table's rows.</summary>
    private sealed class Figure
    {
        public string Id { get; set; } = "";
        public string? Chart { get; set; }
        public string? CanvasRole { get; set; }
        public string? CanvasLabel { get; set; }
        public string? CanvasFallback { get; set; }
        public List<string> Columns { get; set; } = [];
        public List<TableRow> Rows { get; set; } = [];
    }

    private sealed class TableRow
    {
        public string Label { get; set; } = "";
        public bool Suppressed { get; set; }
        public string Text { get; set; } = "";

        /// <summary>Each cell's main figure: the bold estimate where there is one, else the cell's text.</summary>
        public List<string> Cells { get; set; } = [];

        /// <summary>Statement tables only: the data-figure cells by name (agree, mean, n, dont-know), with their intervals.</summary>
        public Dictionary<string, string> Named { get; set; } = [];
    }

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static async Task<List<Figure>> FiguresAsync(IPage page) => JsonSerializer.Deserialize<List<Figure>>(await page.EvaluateAsync<string>("""
        () => JSON.stringify([...document.querySelectorAll('figure.result:not(#overview)')].map(f => {
            const canvas = f.querySelector('canvas');
            // A statement's first table has share, mean and n; its distribution (answers and "don't know") is the second.
            const main = f.querySelector('table.figures');
            const distribution = f.querySelector('table.distribution');
            const cells = tr => [...tr.querySelectorAll('td')];
            return {
                id: f.id,
                chart: f.querySelector('script[type="application/json"]')?.textContent ?? null,
                canvasRole: canvas?.getAttribute('role') ?? null,
                canvasLabel: canvas?.getAttribute('aria-label') ?? null,
                canvasFallback: canvas?.textContent.trim() ?? null,
                columns: [...(distribution ?? main).querySelectorAll('thead th')].slice(1).map(th => th.textContent.trim()),
                rows: [...main.querySelectorAll('tbody tr')].map((tr, i) => {
                    const full = distribution ? distribution.querySelectorAll('tbody tr')[i] : tr;
                    return {
                        label: tr.querySelector('th').textContent.trim(),
                        suppressed: tr.querySelector('td[data-suppressed="true"]') !== null,
                        text: cells(tr).map(td => td.textContent.trim()).join(' | '),
                        cells: cells(full).map(td => (td.querySelector('strong') ?? td).textContent.trim()),
                        named: Object.fromEntries([...tr.querySelectorAll('td[data-figure]'), ...(full === tr ? [] : full.querySelectorAll('td[data-figure]'))]
                            .map(td => [td.dataset.figure, td.textContent.trim().replace(/\s+/g, ' ')])),
                    };
                }),
            };
        }))
        """), Web)!;

    /// <summary>A figure as the page shows it ("62 %", "3,31", "48") read back as a number in the page's culture.</summary>
    private static double Number(string text, string culture) =>
        double.Parse(text.Replace("%", "", StringComparison.Ordinal).Replace("\u00a0", "", StringComparison.Ordinal).Trim(), NumberStyles.Number, Culture(culture));

    private sealed record ChartData(string Kind, List<string> Labels, List<(string Label, List<double?> Values)> Series);

    private static ChartData Chart(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new ChartData(
            root.GetProperty("kind").GetString()!,
            [.. root.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!)],
            [.. root.GetProperty("series").EnumerateArray().Select(s => (
                s.GetProperty("label").GetString()!,
                s.GetProperty("values").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? (double?)null : v.GetDouble()).ToList()))]);
    }

    /// <summary>The table rounds to whole percent or index points, the chart data to one decimal: they may differ by that much and no more.</summary>
    private static void AssertSameFigure(string table, double? chart, string culture, string where)
    {
        Assert.True(chart is not null, $"{where}: the table shows {table}, the chart has no value.");
        var shown = Number(table, culture);
        Assert.True(Math.Abs(shown - chart.Value) <= 0.55, $"{where}: the table shows {table}, the chart {chart}.");
    }

    [Theory]
    [InlineData("sv")]
    [InlineData("en")]
    public async Task The_charts_are_drawn_described_and_hold_the_same_figures_as_their_tables(string culture)
    {
        var rounds = await browser.SharedResultsAsync();
        await using var tab = await browser.OpenAsync(Screen.Desktop);
        var page = tab.Page;
        Assert.Equal(200, await tab.GotoAsync($"/results/{rounds.ThisYear.Slug}?by=orgtype", culture));

        // Every figure has a chart: the overview, the theme indices and the sixteen statements, each drawn by its script.
        var canvases = await page.Locator("canvas").AllAsync();
        Assert.Equal(2 + ResultsSite.Questionnaire.Statements.Count(), canvases.Count);
        await tab.WaitForChartsAsync();
        foreach (var canvas in canvases)
        {
            Assert.True(await EventuallyAsync(() => tab.CanvasHasInkAsync(canvas)), $"The chart {await canvas.GetAttributeAsync("data-chart")} stayed blank.");
        }

        var figures = await FiguresAsync(page);
        Assert.Equal(canvases.Count - 1, figures.Count);
        foreach (var figure in figures)
        {
            var visible = figure.Rows.Where(r => !r.Suppressed).ToList();
            Assert.Equal(1 + ResultsRounds.OrgtypeSizes.Length - ResultsRounds.HiddenOrgtypes.Length, visible.Count);

            // The canvas is an image to assistive technology, named by a text that gives every group shown.
            Assert.Equal("img", figure.CanvasRole);
            Assert.False(string.IsNullOrWhiteSpace(figure.CanvasLabel), $"The chart of {figure.Id} has no text alternative.");
            Assert.Equal(figure.CanvasLabel, figure.CanvasFallback);
            foreach (var row in visible)
            {
                Assert.Contains(row.Label, figure.CanvasLabel, StringComparison.Ordinal);
            }

            var chart = Chart(figure.Chart!);
            if (chart.Kind == "index")
            {
                // One bar per group and theme: the series are the groups, the labels the themes (the table's columns).
                Assert.Equal(figure.Columns, chart.Labels);
                Assert.Equal(visible.Select(r => r.Label), chart.Series.Select(s => s.Label));
                for (var g = 0; g < visible.Count; g++)
                {
                    for (var t = 0; t < chart.Labels.Count; t++)
                    {
                        AssertSameFigure(visible[g].Cells[t], chart.Series[g].Values[t], culture, $"{figure.Id}, {visible[g].Label}, {chart.Labels[t]}");
                    }
                }
            }
            else
            {
                // One stacked bar per group: the series are the five answers, in the table's first five columns.
                Assert.Equal("distribution", chart.Kind);
                Assert.Equal(visible.Select(r => r.Label), chart.Labels);
                Assert.Equal(figure.Columns.Take(chart.Series.Count), chart.Series.Select(s => s.Label));
                Assert.Equal(5, chart.Series.Count);
                for (var g = 0; g < visible.Count; g++)
                {
                    for (var s = 0; s < chart.Series.Count; s++)
                    {
                        AssertSameFigure(visible[g].Cells[s], chart.Series[s].Values[g], culture, $"{figure.Id}, {visible[g].Label}, {chart.Series[s].Label}");
                    }
                    Assert.Contains($"{visible[g].Label}: {visible[g].Named["agree"].Split(' ')[0]}", figure.CanvasLabel, StringComparison.Ordinal);
                }
            }
        }

        // Numbers in the reader's language: "3,31" and "3,05–3,57" in Swedish, "3.31" and "3.05–3.57" in English.
        var separator = culture == "en" ? "\\." : ",";
        var mean = new Regex($"^[1-5]{separator}[0-9]{{2}} [1-5]{separator}[0-9]{{2}}–[1-5]{separator}[0-9]{{2}}$");
        var means = figures.SelectMany(f => f.Rows).Where(r => r.Named.ContainsKey("mean")).Select(r => r.Named["mean"]).ToList();
        Assert.Equal(ResultsSite.Questionnaire.Statements.Count() * 3, means.Count);
        Assert.All(means, m => Assert.Matches(mean, m));
        Assert.Contains(means, m => !m.StartsWith($"{m[0]}{(culture == "en" ? '.' : ',')}00 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_bar_stands_out_against_the_page_by_at_least_three_to_one_with_a_white_edge()
    {
        var rounds = await browser.SharedResultsAsync();
        await using var tab = await browser.OpenAsync(Screen.Desktop);
        Assert.Equal(200, await tab.GotoAsync($"/results/{rounds.ThisYear.Slug}?by=orgtype", "sv"));
        await tab.WaitForChartsAsync();

        var page = await tab.Page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        var bars = JsonSerializer.Deserialize<List<string[]>>(await tab.Page.EvaluateAsync<string>("""
            () => JSON.stringify(Array.from(document.querySelectorAll('canvas[data-chart]'))
                .flatMap(c => Chart.getChart(c).data.datasets.map(d => [d.backgroundColor, d.borderColor, String(d.borderWidth)])))
            """))!;

        Assert.True(Contrast(page, "#ffffff") < 1.05, $"The page behind the charts is {page}, not white.");
        Assert.True(bars.Select(b => b[0]).Distinct().Count() >= 5, "The charts use fewer colours than the five answers.");
        foreach (var bar in bars)
        {
            Assert.True(Contrast(bar[0], "#ffffff") >= 3, $"The bar colour {bar[0]} has {Contrast(bar[0], "#ffffff"):F2}:1 against the page.");
            Assert.Equal(["#ffffff", "1"], bar[1..]);
        }
    }

    /// <summary>WCAG contrast ratio of two colours written as #rrggbb or rgb(r, g, b).</summary>
    private static double Contrast(string first, string second)
    {
        static double Luminance(string colour)
        {
            var channels = colour.StartsWith('#')
                ? [Convert.ToInt32(colour[1..3], 16), Convert.ToInt32(colour[3..5], 16), Convert.ToInt32(colour[5..7], 16)]
                : Regex.Matches(colour, "[0-9]+").Take(3).Select(m => int.Parse(m.Value, CultureInfo.InvariantCulture)).ToArray();
            var linear = channels.Select(c => c / 255.0).Select(c => c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4)).ToArray();
            return (0.2126 * linear[0]) + (0.7152 * linear[1]) + (0.0722 * linear[2]);
        }
        var (a, b) = (Luminance(first), Luminance(second));
        return (Math.Max(a, b) + 0.05) / (Math.Min(a, b) + 0.05);
    }

    public static TheoryData<string, bool> Browsers => new()
    {
        { "desktop", true },
        { "phone", false },
    };

    [Theory]
    [MemberData(nameof(Browsers))]
    public async Task The_breakdown_switch_works_with_the_keyboard_alone_and_changes_the_tables(string screen, bool javaScript)
    {
        var rounds = await browser.SharedResultsAsync();
        await using var tab = await browser.OpenAsync(screen == "phone" ? Screen.Phone : Screen.Desktop, javaScript);
        var page = tab.Page;
        await tab.GotoAsync($"/results/{rounds.ThisYear.Slug}");
        var before = await FiguresAsync(page);
        Assert.All(before, f => Assert.Equal(new[] { "Alla svarande" }, f.Rows.Select(r => r.Label)));

        // Tab to the list, choose the first breakdown with the arrow key, Tab on to "Visa" and press Enter.
        await tab.TabToAsync("select#by[by=]");
        await page.Keyboard.PressAsync("ArrowDown");
        Assert.Equal("select#by[by=orgtype]", await tab.FocusedAsync());
        await tab.TabToAsync("button");
        Assert.Equal("Visa", (await page.EvaluateAsync<string>("() => document.activeElement.textContent")).Trim());
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => url.Contains("by=orgtype", StringComparison.Ordinal));

        var after = await FiguresAsync(page);
        string[] groups = ["Alla svarande", .. Orgtype.Options.Select(o => o.Text.Sv)];
        Assert.Equal(before.Count, after.Count);
        Assert.All(after, f => Assert.Equal(groups, f.Rows.Select(r => r.Label)));
        Assert.Equal("orgtype", await page.Locator("select#by").InputValueAsync());
        if (javaScript)
        {
            await tab.WaitForChartsAsync();
            Assert.All(after, f => Assert.Equal(groups.Length - ResultsRounds.HiddenOrgtypes.Length, Chart(f.Chart!).Kind == "index" ? Chart(f.Chart!).Series.Count : Chart(f.Chart!).Labels.Count));
        }
    }

    [Fact]
    public async Task Without_JavaScript_no_chart_is_drawn_and_the_tables_carry_every_figure()
    {
        var rounds = await browser.SharedResultsAsync();
        await using var tab = await browser.OpenAsync(Screen.Phone, javaScript: false);
        var page = tab.Page;
        Assert.Equal(200, await tab.GotoAsync($"/results/{rounds.ThisYear.Slug}?by=orgtype"));

        foreach (var canvas in await page.Locator("canvas").AllAsync())
        {
            Assert.False(await tab.CanvasHasInkAsync(canvas));
        }
        var figures = await FiguresAsync(page);
        Assert.Equal(1 + ResultsSite.Questionnaire.Statements.Count(), figures.Count);
        foreach (var figure in figures)
        {
            Assert.Equal(1 + ResultsRounds.OrgtypeSizes.Length, figure.Rows.Count);
            foreach (var row in figure.Rows.Where(r => !r.Suppressed))
            {
                Assert.All(row.Cells, cell => Assert.Matches("[0-9]", cell));
            }
        }
        // No empty chart box and no sentence about a chart that is not drawn: the boxes, the legend and the downloads
        // take no room, and the key findings and every table are in sight.
        foreach (var box in await page.Locator(".chart-box, .chart-legend, canvas").AllAsync())
        {
            await Assertions.Expect(box).ToBeHiddenAsync();
        }
        Assert.Equal(0, await page.Locator("[data-download]").CountAsync());
        Assert.False(await page.EvaluateAsync<bool>(
            "() => [...document.querySelectorAll('main *')].some(e => e.getClientRects().length > 0 && [...e.childNodes].some(n => n.nodeType === 3 && /Stapeldiagram/.test(n.textContent)))"),
            "A sentence about a chart is in sight, but no chart is drawn.");
        await Assertions.Expect(page.Locator("#key-findings .findings li").First).ToBeVisibleAsync();
        foreach (var table in await page.Locator("table.figures:not(.distribution)").AllAsync())
        {
            if (await table.Locator("xpath=ancestor::details[not(@open)]").CountAsync() == 0)
            {
                await Assertions.Expect(table).ToBeVisibleAsync();
            }
        }
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The page is wider than the phone.");
    }

    [Fact]
    public async Task The_CSV_downloads_as_a_file_and_its_rows_agree_with_the_page()
    {
        var rounds = await browser.SharedResultsAsync();
        await using var tab = await browser.OpenAsync(Screen.Desktop);
        var page = tab.Page;
        await tab.GotoAsync($"/results/{rounds.ThisYear.Slug}?by=orgtype");

        var (name, content) = await tab.DownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Tabell (CSV)" }).ClickAsync());
        Assert.Equal($"{rounds.ThisYear.Slug}.csv", name);
        var headers = await page.APIRequest.GetAsync($"/results/{rounds.ThisYear.Slug}/data.csv");
        Assert.StartsWith("attachment", headers.Headers["content-disposition"], StringComparison.Ordinal);
        Assert.StartsWith("text/csv", headers.Headers["content-type"], StringComparison.Ordinal);

        var csv = CsvTable.Read(Encoding.UTF8.GetString(content));
        var figures = (await FiguresAsync(page)).ToDictionary(f => f.Id);
        var compared = 0;
        foreach (var row in csv.Where(r => r["breakdown"] is "all" or "orgtype"))
        {
            var label = row["group_label_sv"];
            if (row["kind"] == "statement")
            {
                var shown = figures[row["statement"]].Rows.Single(r => r.Label == label);
                if (row["suppressed"] == "true")
                {
                    Assert.True(shown.Suppressed, $"{label} is hidden in the CSV but shown on the page.");
                    continue;
                }
                Assert.Equal(shown.Named["n"], row["n"]);
                Assert.Equal(shown.Named["dont-know"], row["dont_know"]);
                // Rounded half away from zero from the exact counts, as the page does.
                var agreeing = long.Parse(row["count_4"], CultureInfo.InvariantCulture) + long.Parse(row["count_5"], CultureInfo.InvariantCulture);
                Assert.StartsWith((ResultFormat.Percent(agreeing, long.Parse(row["n"], CultureInfo.InvariantCulture)) / 100m).ToString("P0", Swedish) + " ", shown.Named["agree"], StringComparison.Ordinal);
                Assert.StartsWith(ResultFormat.RoundedMean(double.Parse(row["mean"], CultureInfo.InvariantCulture)).ToString("0.00", Swedish) + " ", shown.Named["mean"], StringComparison.Ordinal);
            }
            else
            {
                var themes = figures["themes"];
                var shown = themes.Rows.Single(r => r.Label == label);
                Assert.Equal(row["suppressed"] == "true", shown.Suppressed);
                if (!shown.Suppressed)
                {
                    var column = themes.Columns.IndexOf(row["text_sv"]);
                    Assert.Equal(ResultFormat.RoundedIndex(double.Parse(row["index"], CultureInfo.InvariantCulture)).ToString("0", Swedish), shown.Cells[column]);
                }
            }
            compared++;
        }
        // Everyone and the two groups shown, for each of sixteen statements and three themes.
        Assert.Equal(3 * (ResultsSite.Questionnaire.Statements.Count() + ResultsSite.Questionnaire.Themes.Count) + 2 * ResultsSite.Questionnaire.Themes.Count, compared);
    }

    [Theory]
    [InlineData("sv")]
    [InlineData("en")]
    public async Task A_group_below_the_minimum_is_shown_hidden_with_its_flag_never_as_zero(string culture)
    {
        var rounds = await browser.SharedResultsAsync();
        await using var tab = await browser.OpenAsync(Screen.Desktop);
        var page = tab.Page;
        await tab.GotoAsync($"/results/{rounds.ThisYear.Slug}?by=orgtype", culture);

        var figures = await FiguresAsync(page);
        foreach (var hidden in ResultsRounds.HiddenOrgtypes)
        {
            var label = Text(Orgtype.Options.Single(o => o.Value == hidden).Text, culture);
            foreach (var figure in figures)
            {
                var row = Assert.Single(figure.Rows, r => r.Label == label);
                Assert.True(row.Suppressed, $"{label} is not marked hidden in {figure.Id}.");
                Assert.Equal(HiddenFlag(culture), row.Text);
                Assert.DoesNotMatch("[0-9]", row.Text);
                Assert.DoesNotContain(label, Chart(figure.Chart!) is { Kind: "index" } index ? index.Series.Select(s => s.Label) : Chart(figure.Chart!).Labels);
                Assert.DoesNotContain(label, figure.CanvasLabel, StringComparison.Ordinal);
            }
        }

        // The open data hides the same groups: flagged, every figure empty, not zero.
        var response = await page.APIRequest.GetAsync($"/results/{rounds.ThisYear.Slug}/data.csv");
        var rows = CsvTable.Read(await response.TextAsync()).Where(r => r["breakdown"] == "orgtype").ToList();
        foreach (var row in rows)
        {
            var isHidden = ResultsRounds.HiddenOrgtypes.Contains(int.Parse(row["group"], CultureInfo.InvariantCulture));
            Assert.Equal(isHidden ? "true" : "false", row["suppressed"]);
            if (isHidden)
            {
                Assert.All(new[] { "group_size", "n", "count_1", "count_5", "dont_know", "agree_share", "mean", "index" }, column => Assert.Equal("", row[column]));
            }
        }
        Assert.Equal(ResultsRounds.OrgtypeSizes.Length * (ResultsSite.Questionnaire.Statements.Count() + ResultsSite.Questionnaire.Themes.Count), rows.Count);
    }

    /// <summary>
    /// Checks a condition until it holds or ten seconds pass: a chart is drawn on the animation frames after its
    /// creation, so "not drawn yet" and "never drawn" differ only in time.
    /// </summary>
    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(50);
        }
        return true;
    }

}
