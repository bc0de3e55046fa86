using System.Globalization;
using HejSurvey.Web.Survey;
using Microsoft.Playwright;

namespace HejSurvey.Tests.Browser;

/// <summary>
/// What a respondent sees while answering, at 390 and 1366 px in Swedish and English: the bar that says where they are
/// and how much is answered, the chosen option's box, the short error summary.
/// </summary>
[Collection(UsesBrowser.Name)]
[Trait("Category", "Browser")]
public sealed class RespondentBrowserTests(BrowserSite browser)
{
    private static readonly QuestionnaireDefinition Questionnaire = ShippedQuestionnaires.Newest;

    /// <summary>The common laptop screen the issue was seen on.</summary>
    private static readonly Screen Laptop = new("laptop", 1366, 768, false);

    private static readonly int Questions = Questionnaire.ChoiceKeys.Count();

    private static readonly int Parts = Questionnaire.Themes.Count + 2;

    public static TheoryData<string, string> ScreensAndLanguages => new()
    {
        { "phone", "sv" },
        { "phone", "en" },
        { "laptop", "sv" },
        { "laptop", "en" },
    };

    private static Screen ScreenNamed(string name) => name == "phone" ? Screen.Phone : Laptop;

    private static string Counted(string culture, int answered) =>
        culture == "en" ? $"{answered} of {Questions} answered" : $"{answered} av {Questions} besvarade";

    private static string Part(string culture, int part, string title) =>
        culture == "en" ? $"Part {part} of {Parts}: {title}" : $"Del {part} av {Parts}: {title}";

    private static Task<bool> FitsTheScreenAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth");

    /// <summary>Height of the sticky bar and of one line of its text, in CSS pixels.</summary>
    private static Task<double[]> BarAsync(IPage page) => page.EvaluateAsync<double[]>("""
        () => {
            const bar = document.querySelector('.progress');
            const style = getComputedStyle(bar);
            const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
            return [bar.getBoundingClientRect().height, line];
        }
        """);

    [Theory]
    [MemberData(nameof(ScreensAndLanguages))]
    public async Task The_bar_counts_the_answers_and_names_the_part_in_view_on_one_line(string screen, string culture)
    {
        var round = await browser.SharedRoundAsync("progress");
        await using var tab = await browser.OpenAsync(ScreenNamed(screen));
        var page = tab.Page;
        await tab.GotoAsync($"/survey/{round.Slug}", culture);
        var count = page.Locator(".progress-count");
        var part = page.Locator(".progress-part");

        await Assertions.Expect(count).ToHaveTextAsync(Counted(culture, 0));
        var first = Questionnaire.Themes[0];
        await Assertions.Expect(screen == "phone" ? part : page.Locator(".progress a[aria-current]")).ToContainTextAsync(first.Title.In(culture));

        var statements = Questionnaire.Statements.Take(3).ToList();
        for (var i = 0; i < statements.Count; i++)
        {
            await page.Locator($"label[for='{statements[i].Key}-{i + 2}']").ClickAsync();
            await Assertions.Expect(count).ToHaveTextAsync(Counted(culture, i + 1));
        }
        // Another answer to a question already answered does not count twice.
        await page.Locator($"label[for='{statements[0].Key}-{QuestionnaireDefinition.DontKnowValue}']").ClickAsync();
        await Assertions.Expect(count).ToHaveTextAsync(Counted(culture, statements.Count));
        await page.Locator($"label[for='{Questionnaire.Background[0].Key}-1']").ClickAsync();
        await Assertions.Expect(count).ToHaveTextAsync(Counted(culture, statements.Count + 1));

        // The background questions in view: the bar names their part.
        var aboutYou = culture == "en" ? "About you" : "Om dig";
        await page.Locator("#about-you h2").EvaluateAsync("h => h.scrollIntoView({ block: 'start' })");
        if (screen == "phone")
        {
            await Assertions.Expect(part).ToHaveTextAsync(Part(culture, Parts - 1, aboutYou));
            await Assertions.Expect(page.Locator(".progress ol")).ToBeHiddenAsync();
        }
        else
        {
            await Assertions.Expect(page.Locator(".progress a[aria-current]")).ToHaveAttributeAsync("href", "#about-you");
            await Assertions.Expect(page.Locator(".progress a[aria-current]")).ToContainTextAsync(aboutYou);
        }

        var bar = await BarAsync(page);
        var (height, line) = (bar[0], bar[1]);
        var status = await page.Locator(".progress-status").BoundingBoxAsync();
        Assert.True(status!.Height < 1.5 * line, $"The bar's count and part take {status.Height}px, more than one line of {line}px.");
        Assert.True(height < 3.5 * line, $"The bar is {height}px high.");
        Assert.True(await FitsTheScreenAsync(page), "The survey is wider than the screen.");
        await tab.ScreenshotAsync($"survey-progress-{culture}");
        await tab.AssertAccessibleAsync();
    }

    [Theory]
    [MemberData(nameof(ScreensAndLanguages))]
    public async Task Without_JavaScript_each_part_still_says_which_of_how_many_it_is_and_the_bar_keeps_to_one_line(string screen, string culture)
    {
        var round = await browser.SharedRoundAsync("progress");
        await using var tab = await browser.OpenAsync(ScreenNamed(screen), javaScript: false);
        var page = tab.Page;
        await tab.GotoAsync($"/survey/{round.Slug}", culture);

        var headings = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('form section.theme > h2')].map(h => h.textContent.trim())");
        var titles = Questionnaire.Themes.Select(t => t.Title.In(culture))
            .Append(culture == "en" ? "About you" : "Om dig")
            .Append(culture == "en" ? "In your own words" : "Med egna ord");
        Assert.Equal(titles.Select((title, i) => Part(culture, i + 1, title)), headings);
        await Assertions.Expect(page.Locator(".progress-status")).ToBeHiddenAsync();
        Assert.Equal(Parts, await page.Locator(".progress ol a").CountAsync());
        var bar = await BarAsync(page);
        var (height, line) = (bar[0], bar[1]);
        var links = await page.EvaluateAsync<double[]>("() => [...document.querySelectorAll('.progress ol a')].map(a => a.getBoundingClientRect().top)");
        Assert.True(links.Distinct().Count() == 1, $"The parts in the bar sit on {links.Distinct().Count()} lines.");
        Assert.True(height < 3.5 * line, $"The bar is {height}px high.");
        Assert.True(await FitsTheScreenAsync(page), "The survey is wider than the screen.");
    }

    [Theory]
    [InlineData("phone", true)]
    [InlineData("phone", false)]
    [InlineData("laptop", true)]
    public async Task Tabbing_through_the_form_in_either_direction_never_leaves_the_focused_field_under_the_bar(string screen, bool javaScript)
    {
        var round = await browser.SharedRoundAsync("progress");
        await using var tab = await browser.OpenAsync(ScreenNamed(screen), javaScript);
        var page = tab.Page;
        await tab.GotoAsync($"/survey/{round.Slug}");
        var covered = new List<string>();

        async Task WalkAsync(string key)
        {
            for (var i = 0; i < 30; i++)
            {
                await page.Keyboard.PressAsync(key);
                var problem = await page.EvaluateAsync<string>("""
                    () => {
                        const e = document.activeElement;
                        if (!e || !e.closest('form')) return '';
                        const box = e.getBoundingClientRect();
                        const bar = document.querySelector('.progress').getBoundingClientRect();
                        return box.top >= bar.bottom - 0.5 && box.bottom <= window.innerHeight + 0.5 ? '' : `${e.id || e.name}: ${box.top}–${box.bottom}, bar ends at ${bar.bottom}`;
                    }
                    """);
                if (problem.Length > 0)
                {
                    covered.Add(problem);
                }
            }
        }

        // Down from the first question, then back up from the send button.
        await page.Locator($"#{Questionnaire.Statements.First().Key}-1").FocusAsync();
        await WalkAsync("Tab");
        await page.Locator("form button[type=submit]").FocusAsync();
        await WalkAsync("Shift+Tab");

        Assert.True(covered.Count == 0, $"Focused fields under the bar or off the screen: {string.Join("; ", covered)}");
    }

    [Theory]
    [InlineData("phone", true)]
    [InlineData("phone", false)]
    [InlineData("laptop", true)]
    [InlineData("laptop", false)]
    public async Task The_chosen_option_changes_its_whole_box_and_the_scale_reads_as_equal_columns_on_a_wide_screen(string screen, bool javaScript)
    {
        var round = await browser.SharedRoundAsync("choice");
        await using var tab = await browser.OpenAsync(ScreenNamed(screen), javaScript);
        var page = tab.Page;
        await tab.GotoAsync($"/survey/{round.Slug}");
        var key = Questionnaire.Statements.First().Key;

        await page.Locator($"label[for='{key}-4']").ClickAsync();

        var chosen = await BoxAsync(page, $"label[for='{key}-4']");
        var other = await BoxAsync(page, $"label[for='{key}-3']");
        Assert.True(chosen.Border >= 2 * other.Border, $"The chosen option's border is {chosen.Border}px, the others' {other.Border}px.");
        Assert.NotEqual(other.Background, chosen.Background);
        Assert.NotEqual(other.BorderColor, chosen.BorderColor);
        Assert.True(chosen.Weight > other.Weight, "The chosen option's text is not bolder.");

        // In forced colours (Windows high contrast) backgrounds go, the thicker border stays.
        await page.EmulateMediaAsync(new() { ForcedColors = ForcedColors.Active });
        Assert.True((await BoxAsync(page, $"label[for='{key}-4']")).Border >= 2 * (await BoxAsync(page, $"label[for='{key}-3']")).Border, "In forced colours the chosen option no longer stands out.");
        await page.EmulateMediaAsync(new() { ForcedColors = ForcedColors.None });

        var boxes = await page.EvaluateAsync<double[][]>(
            "key => [...document.getElementById(key + '-1').closest('fieldset').querySelectorAll('label.option')].map(l => { const r = l.getBoundingClientRect(); return [r.left, r.top, r.width]; })", key);
        var options = (await page.Locator($"fieldset:has(#{key}-1) .options").BoundingBoxAsync())!;
        Assert.Equal(Questionnaire.Scale.Count + 1, boxes.Length);
        if (screen == "phone")
        {
            // Full-width rows, one under the other.
            Assert.All(boxes, b => Assert.InRange(b[2], options.Width - 1, options.Width + 1));
            Assert.Equal(boxes.Length, boxes.Select(b => b[1]).Distinct().Count());
        }
        else
        {
            // One row of equal columns in the order of the scale, "don't know" last.
            Assert.Single(boxes.Select(b => Math.Round(b[1])).Distinct());
            Assert.All(boxes, b => Assert.InRange(b[2], boxes[0][2] - 1, boxes[0][2] + 1));
            Assert.Equal(boxes.Select(b => b[0]).Order(), boxes.Select(b => b[0]));
            Assert.Equal($"{key}-{QuestionnaireDefinition.DontKnowValue}", await page.Locator($"fieldset:has(#{key}-1) label.option").Last.GetAttributeAsync("for"));
        }
        // axe is a script in the page; without scripts the page is the same markup, checked with them.
        if (javaScript)
        {
            await tab.AssertAccessibleAsync();
        }
    }

    private sealed record OptionBox(double Border, string BorderColor, string Background, int Weight);

    private static async Task<OptionBox> BoxAsync(IPage page, string selector)
    {
        // The page's own evaluation, which also works where the page runs no scripts of its own.
        var style = await page.EvaluateAsync<string[]>(
            "selector => { const s = getComputedStyle(document.querySelector(selector)); return [s.borderTopWidth, s.borderTopColor, s.backgroundColor, s.fontWeight]; }", selector);
        return new(double.Parse(style[0].TrimEnd('p', 'x'), CultureInfo.InvariantCulture), style[1], style[2], int.Parse(style[3], CultureInfo.InvariantCulture));
    }

    [Theory]
    [MemberData(nameof(ScreensAndLanguages))]
    public async Task An_empty_form_gives_one_short_line_per_question_that_takes_focus_to_its_first_option(string screen, string culture)
    {
        var round = await browser.SharedRoundAsync("short-errors");
        await using var tab = await browser.OpenAsync(ScreenNamed(screen));
        var page = tab.Page;
        await tab.GotoAsync($"/survey/{round.Slug}", culture);

        await page.Locator("form button[type=submit]").ClickAsync();
        await page.Locator("#error-summary").WaitForAsync();

        var statements = Questionnaire.Statements.Count();
        var expected = Questionnaire.ChoiceKeys.Select((_, i) => i < statements
            ? (culture == "en" ? $"Choose an answer to statement {i + 1}" : $"Välj ett svar på påstående {i + 1}")
            : (culture == "en" ? $"Choose an answer to question {i + 1}" : $"Välj ett svar på fråga {i + 1}"));
        var links = page.Locator("#error-summary li a");
        Assert.Equal(expected, await links.AllInnerTextsAsync());
        Assert.Equal(Questionnaire.ChoiceKeys.Select(k => $"#{k}-{(Questionnaire.Background.FirstOrDefault(b => b.Key == k)?.Options[0].Value ?? Questionnaire.Scale[0].Value)}"),
            await links.EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))"));
        var inline = await page.Locator(".field-error").AllInnerTextsAsync();
        Assert.Equal(Questions, inline.Count);
        Assert.All(inline, message => Assert.Equal(culture == "en" ? "Choose an answer" : "Välj ett svar", message.Replace(culture == "en" ? "Error:" : "Fel:", "", StringComparison.Ordinal).Trim()));
        var text = await page.Locator("main").InnerTextAsync();
        Assert.DoesNotContain(".”.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("..", text, StringComparison.Ordinal);

        // The summary fits within one screen, even a phone's.
        var summary = (await page.Locator("#error-summary").BoundingBoxAsync())!;
        Assert.True(summary.Height <= tab.Screen.Height, $"The error summary is {summary.Height}px high on a {tab.Screen.Height}px screen.");

        var last = links.Nth(Questions - 1);
        await last.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal((await last.GetAttributeAsync("href"))!, "#" + await page.EvaluateAsync<string>("() => document.activeElement.id"));
        Assert.True(await FitsTheScreenAsync(page), "The page with errors is wider than the screen.");
        await tab.ScreenshotAsync($"survey-short-errors-{culture}");
        await tab.AssertAccessibleAsync();
    }

    [Fact]
    public async Task Pages_load_the_site_icon_and_nothing_they_ask_for_is_missing()
    {
        var round = await browser.SharedRoundAsync("icon");
        await using var tab = await browser.OpenAsync(Screen.Phone);
        var missing = new List<string>();
        tab.Page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                missing.Add($"{response.Status} {response.Url}");
            }
        };

        foreach (var path in new[] { "/", $"/survey/{round.Slug}", "/results", "/accessibility" })
        {
            await tab.GotoAsync(path);
            var icon = await tab.Page.EvaluateAsync<string>("() => document.querySelector('link[rel=icon][type=\"image/svg+xml\"]')?.href ?? ''");
            var answer = await tab.Page.APIRequest.GetAsync(icon);
            Assert.Equal(200, answer.Status);
        }

        Assert.True(missing.Count == 0, $"Requests that failed: {string.Join(", ", missing)}");
    }
}
