using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace HejSurvey.Tests.Browser;

/// <summary>A respondent in a real Chromium: keyboard only, without JavaScript, on a phone; errors that take them to the field.</summary>
[Collection(UsesBrowser.Name)]
[Trait("Category", "Browser")]
public sealed class SurveyBrowserTests(BrowserSite browser)
{
    private static readonly QuestionnaireDefinition Questionnaire = ShippedQuestionnaires.Newest;

    private static readonly IReadOnlyList<Statement> Statements = [.. Questionnaire.Statements];

    private sealed class FocusStop
    {
        public bool Again { get; set; }
        public string Name { get; set; } = "";
        public bool Visible { get; set; }
    }

    private sealed class Focused
    {
        public string Tag { get; set; } = "";
        public string Type { get; set; } = "";
        public string Name { get; set; } = "";
    }

    private static Task<Focused> FocusedElementAsync(IPage page) => page.EvaluateAsync<Focused>(
        "() => { const e = document.activeElement; return { tag: e.tagName.toLowerCase(), type: e.type ?? '', name: e.name ?? '' }; }");

    public static TheoryData<string, bool> Browsers => new()
    {
        { "desktop", true },
        { "desktop", false },
        { "phone", true },
        { "phone", false },
    };

    [Theory]
    [MemberData(nameof(Browsers))]
    public async Task A_respondent_answers_every_question_with_the_keyboard_alone_and_the_answers_are_stored(string screen, bool javaScript)
    {
        var round = await browser.Site.CreateRoundAsync($"keyboard-{screen}-{(javaScript ? "js" : "nojs")}");
        await using var tab = await browser.OpenAsync(screen == "phone" ? Screen.Phone : Screen.Desktop, javaScript);
        var page = tab.Page;
        Assert.Equal(200, await tab.GotoAsync($"/survey/{round.Slug}"));

        // Tab through the page; in each question choose an option with Space and the arrow keys, as a keyboard user does.
        var expected = new Dictionary<string, int>();
        var statements = Statements.Select(s => s.Key).ToHashSet();
        var freeText = "Svarat med tangentbordet – åäö";
        var submitted = false;
        for (var presses = 0; presses < 200 && !submitted; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focused = await FocusedElementAsync(page);
            // Each key's effect is awaited before the next key: a loaded machine may apply a key's default action (checking
            // a radio, inserting typed text) after the key press has returned, and the next Tab must leave a finished field.
            if (focused is { Tag: "input", Type: "radio" } && !expected.ContainsKey(focused.Name))
            {
                await page.Keyboard.PressAsync("Space");
                await Assertions.Expect(page.Locator($"input[name={focused.Name}]:focus")).ToBeCheckedAsync();
                if (statements.Contains(focused.Name))
                {
                    // 0–4 steps right walk the scale 1–5, the fifth lands on "don't know" (0).
                    var steps = expected.Count % 6;
                    for (var i = 0; i < steps; i++)
                    {
                        await page.Keyboard.PressAsync("ArrowRight");
                    }
                    expected[focused.Name] = steps < Questionnaire.Scale.Count ? Questionnaire.Scale[steps].Value : Questionnaire.DontKnow.Value;
                }
                else
                {
                    await page.Keyboard.PressAsync("ArrowDown");
                    expected[focused.Name] = Questionnaire.Background.Single(b => b.Key == focused.Name).Options[1].Value;
                }
                var chosen = page.Locator($"input[name={focused.Name}]:focus");
                await Assertions.Expect(chosen).ToBeCheckedAsync();
                await Assertions.Expect(chosen).ToHaveValueAsync(expected[focused.Name].ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (focused.Tag == "textarea")
            {
                await page.Keyboard.TypeAsync(freeText);
                await Assertions.Expect(page.Locator("textarea:focus")).ToHaveValueAsync(freeText);
            }
            else if (focused is { Tag: "button", Type: "submit" })
            {
                await page.Keyboard.PressAsync("Enter");
                // The thank-you page comes only after the answers are durably committed (fsync); on a shared, busy disk
                // that may take longer than the usual step, so this one wait is allowed a minute.
                await page.WaitForURLAsync($"**/survey/{round.Slug}/thanks", new() { Timeout = 60_000 });
                submitted = true;
            }
        }

        Assert.True(submitted, "The submit button was never reached with Tab.");
        Assert.Equal(Statements.Count + Questionnaire.Background.Count, expected.Count);
        Assert.EndsWith($"/survey/{round.Slug}/thanks", page.Url, StringComparison.Ordinal);
        Assert.Equal("Tack för dina svar", await page.Locator("h1").InnerTextAsync());

        await using var db = tab.Db();
        var stored = await db.Responses.AsNoTracking().Include(r => r.Answers).SingleAsync(r => r.RoundId == round.Id);
        Assert.Equal(freeText, stored.FreeText);
        Assert.Equal(expected.OrderBy(a => a.Key, StringComparer.Ordinal), stored.Answers.OrderBy(a => a.QuestionKey, StringComparer.Ordinal).Select(a => KeyValuePair.Create(a.QuestionKey, a.Value)));
        tab.AssertOnlySiteRequests();
    }

    [Theory]
    [MemberData(nameof(Browsers))]
    public async Task After_a_failed_submit_the_error_summary_has_focus_and_its_links_take_focus_to_the_questions(string screen, bool javaScript)
    {
        var round = await browser.SharedRoundAsync("errors");
        await using var tab = await browser.OpenAsync(screen == "phone" ? Screen.Phone : Screen.Desktop, javaScript);
        var page = tab.Page;
        await tab.GotoAsync($"/survey/{round.Slug}");
        var first = Statements[0].Key;
        await page.Locator($"#{first}-4").CheckAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Skicka svaren" }).ClickAsync();
        await page.Locator("#error-summary").WaitForAsync();

        await Assertions.Expect(page.Locator("#error-summary")).ToBeFocusedAsync();
        Assert.True(await page.Locator($"#{first}-4").IsCheckedAsync(), "The answer given before the failed submit was lost.");
        var links = page.Locator("#error-summary a");
        Assert.Equal(Statements.Count - 1 + Questionnaire.Background.Count, await links.CountAsync());

        // The first link is reached with Tab and followed with Enter: focus lands in the question it names.
        var second = Statements[1].Key;
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal($"#{second}-1", await page.EvaluateAsync<string>("() => document.activeElement.getAttribute('href')"));
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal($"input#{second}-1[{second}=1]", await tab.FocusedAsync());
        await AssertQuestionInSightAsync(page);

        // Every other link, followed with Enter, focuses the first option of its question and shows the question.
        for (var i = 1; i < await links.CountAsync(); i++)
        {
            var target = (await links.Nth(i).GetAttributeAsync("href"))!;
            await links.Nth(i).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            Assert.Equal(target, "#" + await page.EvaluateAsync<string>("() => document.activeElement.id"));
            await AssertQuestionInSightAsync(page);
        }
    }

    /// <summary>The focused option and its question text are on the screen, not under the sticky list of parts.</summary>
    private static async Task AssertQuestionInSightAsync(IPage page)
    {
        var sight = await page.EvaluateAsync<string>("""
            () => {
                const input = document.activeElement.getBoundingClientRect();
                const legend = document.activeElement.closest('fieldset').querySelector('legend').getBoundingClientRect();
                const bar = document.querySelector('.progress').getBoundingClientRect();
                const top = getComputedStyle(document.querySelector('.progress')).position === 'sticky' ? Math.max(0, bar.bottom) : 0;
                return legend.top >= top && input.bottom <= window.innerHeight ? '' : `legend ${legend.top}–${legend.bottom}, option ${input.top}–${input.bottom}, covered above ${top}, screen ${window.innerHeight}`;
            }
            """);
        Assert.True(sight.Length == 0, $"The question is not in sight: {sight}");
    }

    [Fact]
    public async Task The_skip_link_is_the_first_stop_and_moves_focus_to_the_main_content()
    {
        var round = await browser.SharedRoundAsync("skip");
        await using var tab = await browser.OpenAsync(Screen.Desktop);
        var page = tab.Page;
        await tab.GotoAsync($"/survey/{round.Slug}");

        await page.Keyboard.PressAsync("Tab");
        var skip = page.Locator(".skip-link");
        Assert.Equal("Hoppa till innehållet", await skip.InnerTextAsync());
        Assert.True(await skip.EvaluateAsync<bool>("e => e === document.activeElement"));
        var box = await skip.BoundingBoxAsync();
        Assert.True(box is { X: >= 0, Y: >= 0 }, "The focused skip link is not on the screen.");

        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("main#main", await tab.FocusedAsync());
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("a", (await tab.FocusedAsync())[..1]);
        Assert.True(await page.EvaluateAsync<bool>("() => document.querySelector('main').contains(document.activeElement)"), "Tab after the skip link left the main content.");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/survey/focus")]
    [InlineData("/privacy")]
    [InlineData("/results/results-2026?by=orgtype")]
    public async Task Every_keyboard_stop_shows_clearly_where_the_focus_is(string path)
    {
        await browser.SharedRoundAsync("focus");
        await browser.SharedResultsAsync();
        await using var tab = await browser.OpenAsync(Screen.Desktop);
        var page = tab.Page;
        await tab.GotoAsync(path);

        // Walk the whole tab order once; every stop must draw an outline of at least 2px or a focus ring.
        var stops = new List<string>();
        var unmarked = new List<string>();
        for (var i = 0; i < 150; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var stop = await page.EvaluateAsync<FocusStop>("""
                () => {
                    const e = document.activeElement;
                    const again = e === document.body || e.dataset.visited === 'yes';
                    e.dataset.visited = 'yes';
                    const s = getComputedStyle(e);
                    return {
                        again,
                        name: e.outerHTML.slice(0, 80),
                        visible: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none',
                    };
                }
                """);
            if (stop.Again)
            {
                break;
            }
            stops.Add(stop.Name);
            if (!stop.Visible)
            {
                unmarked.Add(stop.Name);
            }
        }

        Assert.True(stops.Count >= 5, $"Only {stops.Count} keyboard stops on {path}: {string.Join(", ", stops)}");
        Assert.True(unmarked.Count == 0, $"No visible focus on {path} for: {string.Join(", ", unmarked)}");
    }

    [Theory]
    [InlineData(null, "sv", "Hej digitalt – hur leds digitaliseringen där du arbetar?")]
    [InlineData("en", "en", "Hej digitalt – how is digitalisation led where you work?")]
    public async Task The_page_says_which_language_it_is_in(string? culture, string lang, string heading)
    {
        await using var tab = await browser.OpenAsync(Screen.Desktop);
        await tab.GotoAsync("/", culture);

        Assert.Equal(lang, await tab.Page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal(heading, await tab.Page.Locator("h1").InnerTextAsync());
    }

    [Fact]
    public async Task The_language_switch_changes_to_English_and_the_cookie_keeps_it()
    {
        var round = await browser.SharedRoundAsync("language");
        await using var tab = await browser.OpenAsync(Screen.Phone);
        var page = tab.Page;
        await tab.GotoAsync($"/survey/{round.Slug}");
        Assert.Equal("sv", await page.Locator("html").GetAttributeAsync("lang"));

        await page.GetByRole(AriaRole.Link, new() { Name = "In English" }).ClickAsync();
        await page.Locator("html[lang=en]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        Assert.EndsWith($"/survey/{round.Slug}", page.Url, StringComparison.Ordinal);
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal($"Round {round.Slug}", await page.Locator("h1").InnerTextAsync());
        var cookie = Assert.Single(await tab.Context.CookiesAsync(), c => c.Name == ".AspNetCore.Culture");
        Assert.Contains("en", Uri.UnescapeDataString(cookie.Value), StringComparison.Ordinal);

        // Without ?culture the next page is still English; the switch back is in Swedish.
        await tab.GotoAsync("/");
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
        var back = page.GetByRole(AriaRole.Link, new() { Name = "På svenska" });
        Assert.Equal("sv", await back.GetAttributeAsync("lang"));
        await back.ClickAsync();
        await page.Locator("html[lang=sv]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        Assert.Equal("sv", await page.Locator("html").GetAttributeAsync("lang"));
    }
}
