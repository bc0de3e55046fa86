using System.Text;
using System.Text.RegularExpressions;
using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace HejSurvey.Tests.Browser;

/// <summary>
/// The questionnaire editor in a real Chromium: a whole new version made with the keyboard alone, the same with
/// JavaScript off, axe on every page of it, and none of them wider than a 390 px phone, with focus visible.
/// </summary>
[Collection(UsesBrowser.Name)]
[Trait("Category", "Browser")]
public sealed partial class QuestionnaireEditorBrowserTests(BrowserSite browser)
{
    private static readonly QuestionnaireDefinition From = ShippedQuestionnaires.Newest;

    /// <summary>Every wait of these tests; a form post that never loads a page fails in seconds rather than hanging.</summary>
    private const float Wait = 10_000;

    private static string VersionPath(int version) => $"/admin/questionnaires/{From.Key}/{version}";

    [Fact]
    public async Task An_admin_makes_and_finalises_a_new_version_with_the_keyboard_alone()
    {
        const string Admin = "tangentbord";
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        await browser.CreateAdminAsync(Admin, password);
        await using var tab = await OpenAsync(Screen.Desktop);
        var page = tab.Page;
        var theme = From.Themes[0];
        var reworded = theme.Statements[1];
        var added = theme.Statements.Count;
        var question = From.Background[0];
        var option = question.Options.Count;

        // Sign in, then the list of questionnaires and the shipped version, each link followed with Enter.
        await tab.GotoAsync("/admin/login");
        await TabToAsync(page, "#Input_Name");
        await page.Keyboard.TypeAsync(Admin);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(password);
        await PressAndLoadAsync(page, "Enter");
        Assert.EndsWith("/admin", page.Url, StringComparison.Ordinal);
        await TabToAsync(page, "a[href='/admin/questionnaires']");
        await PressAndLoadAsync(page, "Enter");
        await TabToAsync(page, $"a[href='{VersionPath(From.Version)}']");
        await PressAndLoadAsync(page, "Enter");
        await TabToAsync(page, "form[action*='handler=NewVersion'] button");
        await PressAndLoadAsync(page, "Enter");
        var version = EditedVersion(page.Url);
        var edit = $"{VersionPath(version)}/edit";

        // A better wording in both languages, and the explicit choice that it is the same question (Space checks it).
        await TabToAsync(page, "#Input_Themes_0__Statements_1__Text_Sv");
        await ReplaceAsync(page, "Ledningen ger tid och utrymme att diskutera framtiden.");
        await page.Keyboard.PressAsync("Tab");
        await ReplaceAsync(page, "Management gives time and room to discuss the future.");
        await TabToAsync(page, "#Input_Themes_0__Statements_1__Meaning-same");
        await page.Keyboard.PressAsync("Space");
        await Assertions.Expect(page.Locator("#Input_Themes_0__Statements_1__Meaning-same")).ToBeCheckedAsync(new() { Timeout = Wait });

        // A new statement: after the post, focus is in its first field; the choice made above is kept.
        await TabToAsync(page, "#add-statement-0");
        await PressAndLoadAsync(page, "Enter");
        await ExpectFocusAsync(page, $"#Input_Themes_0__Statements_{added}__Text_Sv");
        await Assertions.Expect(page.Locator("#Input_Themes_0__Statements_1__Meaning-same")).ToBeCheckedAsync(new() { Timeout = Wait });
        await page.Keyboard.TypeAsync("Digitaliseringen har en egen budget.");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("Digitalisation has a budget of its own.");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("lead_budget_kbd");

        // Moved up one place: focus stays on the button that moved it, where the statement is now.
        await TabToAsync(page, $"#up-statement-0-{added}");
        await PressAndLoadAsync(page, "Enter");
        await ExpectFocusAsync(page, $"#up-statement-0-{added - 1}");
        await Assertions.Expect(page.Locator($"#Input_Themes_0__Statements_{added - 1}__Text_Sv")).ToHaveValueAsync("Digitaliseringen har en egen budget.", new() { Timeout = Wait });

        // A new background option.
        await TabToAsync(page, "#add-option-0");
        await PressAndLoadAsync(page, "Enter");
        await ExpectFocusAsync(page, $"#Input_Background_0__Options_{option}__Text_Sv");
        await page.Keyboard.TypeAsync("Privat utförare av offentlig tjänst");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("Private provider of a public service");

        // Save the draft: the version page says so.
        await TabToAsync(page, "button[value=save]");
        await PressAndLoadAsync(page, "Enter");
        Assert.EndsWith(VersionPath(version), page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Utkastet är sparat.", new() { Timeout = Wait });

        // Back in the editor, an emptied English text: the summary takes focus, its link takes focus to the field.
        await TabToAsync(page, $"a[href='{edit}']");
        await PressAndLoadAsync(page, "Enter");
        await TabToAsync(page, "#Input_Title_En");
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.PressAsync("Delete");
        await TabToAsync(page, "button[value=save]", backwards: true);
        await PressAndLoadAsync(page, "Enter");
        await ExpectFocusAsync(page, "#error-summary");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("#Input_Title_En", await page.EvaluateAsync<string>("() => document.activeElement.getAttribute('href')"));
        await page.Keyboard.PressAsync("Enter");
        await ExpectFocusAsync(page, "#Input_Title_En");
        await page.Keyboard.TypeAsync(From.Title.En);

        // Preview: focus goes to it; both languages show the real form with the changes, and nothing is stored.
        var saved = await StoredAsync(version);
        await TabToAsync(page, "button[value=preview]", backwards: true);
        await PressAndLoadAsync(page, "Enter");
        await ExpectFocusAsync(page, "#preview");
        await AssertPreviewAsync(page, reworded.Key);
        Assert.Equal(saved.Definition, (await StoredAsync(version)).Definition);

        // Save from the preview (its form is the editor's, just above it), then make the version final.
        await TabToAsync(page, "button[value=save]", backwards: true);
        await PressAndLoadAsync(page, "Enter");
        Assert.EndsWith(VersionPath(version), page.Url, StringComparison.Ordinal);
        await TabToAsync(page, "form[action*='handler=Final'] button");
        await PressAndLoadAsync(page, "Enter");
        await Assertions.Expect(page.Locator("#version-state")).ToHaveTextAsync("Slutlig", new() { Timeout = Wait });
        await AssertStoredAsync(page, version, reworded.Key, "lead_budget_kbd", added - 1);
        tab.AssertOnlySiteRequests();
    }

    [Fact]
    public async Task The_editor_works_with_JavaScript_off()
    {
        await using var tab = await OpenAsync(Screen.Desktop, javaScript: false);
        await browser.SignInAsync(tab);
        var page = tab.Page;
        var added = From.Themes[0].Statements.Count;
        var option = From.Background[0].Options.Count;

        await tab.GotoAsync("/admin/questionnaires");
        await ClickAndLoadAsync(page, page.Locator($"a[href='{VersionPath(From.Version)}']"));
        await ClickAndLoadAsync(page, page.Locator("form[action*='handler=NewVersion'] button"));
        var version = EditedVersion(page.Url);

        await page.Locator("#Input_Themes_0__Statements_1__Text_Sv").FillAsync("Ledningen ger tid och utrymme att diskutera framtiden.");
        await page.Locator("#Input_Themes_0__Statements_1__Text_En").FillAsync("Management gives time and room to discuss the future.");
        await page.Locator("#Input_Themes_0__Statements_1__Meaning-same").CheckAsync();
        await ClickAndLoadAsync(page, page.Locator("#add-statement-0"));
        await page.Locator($"#Input_Themes_0__Statements_{added}__Text_Sv").FillAsync("Digitaliseringen har en egen budget.");
        await page.Locator($"#Input_Themes_0__Statements_{added}__Text_En").FillAsync("Digitalisation has a budget of its own.");
        await page.Locator($"#Input_Themes_0__Statements_{added}__Key").FillAsync("lead_budget_nojs");
        await ClickAndLoadAsync(page, page.Locator($"#up-statement-0-{added}"));
        await Assertions.Expect(page.Locator($"#Input_Themes_0__Statements_{added - 1}__Key")).ToHaveValueAsync("lead_budget_nojs", new() { Timeout = Wait });
        await ClickAndLoadAsync(page, page.Locator("#add-option-0"));
        await page.Locator($"#Input_Background_0__Options_{option}__Text_Sv").FillAsync("Privat utförare av offentlig tjänst");
        await page.Locator($"#Input_Background_0__Options_{option}__Text_En").FillAsync("Private provider of a public service");

        // An emptied English text: the summary links to it and nothing is stored.
        var before = (await StoredAsync(version)).Definition;
        await page.Locator("#Input_Title_En").FillAsync("");
        await ClickAndLoadAsync(page, page.Locator("button[value=save]").First);
        await Assertions.Expect(page.Locator("#error-summary a[href='#Input_Title_En']")).ToBeVisibleAsync(new() { Timeout = Wait });
        Assert.Equal(before, (await StoredAsync(version)).Definition);
        await page.Locator("#Input_Title_En").FillAsync(From.Title.En);

        await ClickAndLoadAsync(page, page.Locator("button[value=preview]").First);
        await AssertPreviewAsync(page, From.Themes[0].Statements[1].Key);
        Assert.Equal(before, (await StoredAsync(version)).Definition);

        await ClickAndLoadAsync(page, page.Locator("button[value=save]").First);
        Assert.EndsWith(VersionPath(version), page.Url, StringComparison.Ordinal);
        await ClickAndLoadAsync(page, page.Locator("form[action*='handler=Final'] button"));
        await Assertions.Expect(page.Locator("#version-state")).ToHaveTextAsync("Slutlig", new() { Timeout = Wait });
        await AssertStoredAsync(page, version, From.Themes[0].Statements[1].Key, "lead_budget_nojs", added - 1);
    }

    public static TheoryData<string> Screens() => [Screen.Desktop.Name, Screen.Phone.Name];

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task Every_editor_page_passes_axe_and_fits_the_screen(string screen)
    {
        await using var tab = await OpenAsync(screen == Screen.Phone.Name ? Screen.Phone : Screen.Desktop);
        await browser.SignInAsync(tab);
        var page = tab.Page;

        async Task CheckAsync(string what)
        {
            var wide = await page.EvaluateAsync<string[]>(WiderThanTheScreen, tab.Screen.Width);
            Assert.True(wide.Length == 0, $"{what} ({page.Url}) is wider than the {tab.Screen} screen: {string.Join(", ", wide)}");
            await tab.AssertAccessibleAsync();
        }

        Assert.Equal(200, await tab.GotoAsync("/admin/questionnaires"));
        await CheckAsync("The list");
        Assert.Equal(200, await tab.GotoAsync(VersionPath(From.Version)));
        await CheckAsync("A final version");
        await ClickAndLoadAsync(page, page.Locator("form[action*='handler=NewVersion'] button"));
        await CheckAsync("The editor");
        await page.Locator("#Input_Title_En").FillAsync("");
        await ClickAndLoadAsync(page, page.Locator("button[value=save]").First);
        await Assertions.Expect(page.Locator("#error-summary")).ToBeVisibleAsync(new() { Timeout = Wait });
        await CheckAsync("The editor with an error");
        if (tab.Screen.IsPhone)
        {
            // For a reviewer: the long editor as a phone lays it out. A full-page picture of it costs seconds, so only this one.
            await tab.ScreenshotAsync("questionnaire-editor-error");
        }
        await page.Locator("#Input_Title_En").FillAsync(From.Title.En);
        await ClickAndLoadAsync(page, page.Locator("button[value=preview]").First);
        await Assertions.Expect(page.Locator("#preview")).ToBeVisibleAsync(new() { Timeout = Wait });
        await CheckAsync("The preview");
        await ClickAndLoadAsync(page, page.Locator("button[value=save]").First);
        await CheckAsync("A draft version");
        Assert.Equal(200, await tab.GotoAsync("/admin/questionnaires/import"));
        await CheckAsync("The import page");
        await page.Locator("#file").SetInputFilesAsync(new FilePayload { Name = "broken.json", MimeType = "application/json", Buffer = Encoding.UTF8.GetBytes("{ \"key\": ") });
        await ClickAndLoadAsync(page, page.Locator("form[enctype='multipart/form-data'] button[type=submit]"));
        await Assertions.Expect(page.Locator("#error-summary")).ToBeVisibleAsync(new() { Timeout = Wait });
        await CheckAsync("The import page with a refused file");
        tab.AssertOnlySiteRequests();
    }

    [Fact]
    public async Task On_a_phone_every_keyboard_stop_of_the_editor_shows_where_the_focus_is()
    {
        await using var tab = await OpenAsync(Screen.Phone);
        await browser.SignInAsync(tab);
        var page = tab.Page;
        await tab.GotoAsync(VersionPath(From.Version));
        await ClickAndLoadAsync(page, page.Locator("form[action*='handler=NewVersion'] button"));
        // The error summary's link, then the whole page with the preview: links, fields, radios, buttons, the preview's form.
        await page.Locator("#Input_Title_En").FillAsync("");
        await ClickAndLoadAsync(page, page.Locator("button[value=save]").First);
        await ExpectFocusAsync(page, "#error-summary");
        await page.Keyboard.PressAsync("Tab");
        Assert.True(await page.EvaluateAsync<bool>("() => { const e = document.activeElement; const s = getComputedStyle(e); return e.closest('#error-summary') !== null && s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }"), "The error summary's link shows no focus.");
        await page.Locator("#Input_Title_En").FillAsync(From.Title.En);
        await ClickAndLoadAsync(page, page.Locator("button[value=preview]").First);
        await ExpectFocusAsync(page, "#preview");

        var stops = new List<string>();
        var unmarked = new List<string>();
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 1000; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var stop = await page.EvaluateAsync<FocusStop>("""
                () => {
                    const e = document.activeElement;
                    if (e === null || e === document.body) return { again: false, kind: 'body', name: '', visible: true };
                    const again = e.dataset.visited === 'yes';
                    e.dataset.visited = 'yes';
                    const s = getComputedStyle(e);
                    const box = e.getBoundingClientRect();
                    return {
                        again,
                        kind: e.tagName.toLowerCase() + (e.type ? ':' + e.type : ''),
                        name: e.outerHTML.slice(0, 80),
                        visible: ((s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none')
                            && box.right <= document.documentElement.clientWidth && box.left >= 0,
                    };
                }
                """);
            if (stop.Again)
            {
                break;
            }
            // From the preview to the end of the page, past the end (the page itself) and on from its top.
            if (stop.Kind == "body")
            {
                continue;
            }
            stops.Add(stop.Name);
            kinds.Add(stop.Kind);
            if (!stop.Visible)
            {
                unmarked.Add(stop.Name);
            }
        }

        Assert.Superset(new HashSet<string>(["a", "input:text", "input:radio", "textarea:textarea", "button:submit"], StringComparer.Ordinal), kinds);
        Assert.True(unmarked.Count == 0, $"No visible focus, or focus off the screen, on {unmarked.Count} of {stops.Count} stops: {string.Join(", ", unmarked.Take(10))}");
    }

    /// <summary>
    /// Reflow (WCAG 1.4.10): the elements that reach past the screen's edge, innermost first. A phone zooms out to show
    /// a page wider than itself, which widens window.innerWidth with it; the screen's own width is the measure.
    /// </summary>
    private const string WiderThanTheScreen = """
        width => {
            if (document.documentElement.scrollWidth <= width) return [];
            const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 0.5);
            return wide.filter(e => !wide.some(inner => inner !== e && e.contains(inner)))
                .slice(0, 8).map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className ? '.' + e.className : ''} (${Math.round(e.getBoundingClientRect().right)} px)`)
                .concat([`page ${document.documentElement.scrollWidth} px`]);
        }
        """;

    private sealed class FocusStop
    {
        public bool Again { get; set; }
        public string Kind { get; set; } = "";
        public string Name { get; set; } = "";
        public bool Visible { get; set; }
    }

    /// <summary>A tab whose every wait gives up after <see cref="Wait"/>.</summary>
    private async Task<BrowserTab> OpenAsync(Screen screen, bool javaScript = true)
    {
        var tab = await browser.OpenAsync(screen, javaScript);
        tab.Context.SetDefaultTimeout(Wait);
        tab.Context.SetDefaultNavigationTimeout(Wait);
        return tab;
    }

    /// <summary>Presses a key that follows a link or sends a form, and waits for the page it loads.</summary>
    private static Task PressAndLoadAsync(IPage page, string key) => LoadsAsync(page, () => page.Keyboard.PressAsync(key));

    /// <summary>Clicks a link or a button that sends a form, and waits for the page it loads.</summary>
    private static Task ClickAndLoadAsync(IPage page, ILocator target) => LoadsAsync(page, () => target.ClickAsync(new() { Timeout = Wait }));

    /// <summary>
    /// Runs an action that loads a new document and waits until it has loaded. A form post may answer with the same
    /// address it came from, so waiting for an address could return at once: this waits for the new document itself.
    /// </summary>
    private static async Task LoadsAsync(IPage page, Func<Task> action)
    {
        var navigated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnNavigated(object? sender, IFrame frame)
        {
            if (frame == page.MainFrame)
            {
                navigated.TrySetResult();
            }
        }
        page.FrameNavigated += OnNavigated;
        try
        {
            await action();
            await navigated.Task.WaitAsync(TimeSpan.FromMilliseconds(Wait));
            try
            {
                await page.WaitForLoadStateAsync(LoadState.Load, new() { Timeout = Wait });
            }
            catch (TimeoutException)
            {
                // Now and then, on a busy machine, Playwright misses the load of a document that loaded at once (it
                // reports the network idle but never the load); the document itself knows whether it has loaded.
                if (await page.EvaluateAsync<string>("document.readyState") != "complete")
                {
                    throw;
                }
            }
        }
        finally
        {
            page.FrameNavigated -= OnNavigated;
        }
    }

    /// <summary>Presses Tab (or Shift+Tab) until the element that matches the selector has focus, as a keyboard user would.</summary>
    private static async Task TabToAsync(IPage page, string selector, bool backwards = false)
    {
        for (var presses = 0; presses < 600; presses++)
        {
            await page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
            if (await page.EvaluateAsync<bool>("s => document.activeElement !== null && document.activeElement.matches(s)", selector))
            {
                return;
            }
        }
        Assert.Fail($"{(backwards ? "Shift+Tab" : "Tab")} never reached {selector} on {page.Url}.");
    }

    private static Task ExpectFocusAsync(IPage page, string selector) =>
        Assertions.Expect(page.Locator(selector)).ToBeFocusedAsync(new() { Timeout = Wait });

    /// <summary>Replaces the focused field's text by typing, as a keyboard user does.</summary>
    private static async Task ReplaceAsync(IPage page, string text)
    {
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync(text);
    }

    private static int EditedVersion(string url)
    {
        var match = EditPath().Match(url);
        Assert.True(match.Success, $"A new version should open in the editor, not on {url}.");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"/admin/questionnaires/hej-digitalt/(\d+)/edit$")]
    private static partial Regex EditPath();

    /// <summary>Both previews are the real survey form with the changes: the new wordings, the added statement and option.</summary>
    private static async Task AssertPreviewAsync(IPage page, string rewordedKey)
    {
        var sv = page.Locator("section.preview[lang=sv]");
        var en = page.Locator("section.preview[lang=en]");
        await Assertions.Expect(sv).ToContainTextAsync("Ledningen ger tid och utrymme att diskutera framtiden.", new() { Timeout = Wait });
        await Assertions.Expect(sv).ToContainTextAsync("Digitaliseringen har en egen budget.", new() { Timeout = Wait });
        await Assertions.Expect(sv).ToContainTextAsync("Privat utförare av offentlig tjänst", new() { Timeout = Wait });
        await Assertions.Expect(en).ToContainTextAsync("Management gives time and room to discuss the future.", new() { Timeout = Wait });
        await Assertions.Expect(en).ToContainTextAsync("Digitalisation has a budget of its own.", new() { Timeout = Wait });
        await Assertions.Expect(en).ToContainTextAsync("Private provider of a public service", new() { Timeout = Wait });
        // The respondent's question: a fieldset with its legend and a radio button per step and "don't know".
        var question = sv.Locator($"fieldset:has(input[name={rewordedKey}])");
        await Assertions.Expect(question.Locator("legend")).ToContainTextAsync("Ledningen ger tid och utrymme att diskutera framtiden.", new() { Timeout = Wait });
        await Assertions.Expect(question.Locator("input[type=radio]")).ToHaveCountAsync(From.Scale.Count + 1, new() { Timeout = Wait });
        await Assertions.Expect(en.Locator($"input[type=radio][name={rewordedKey}]")).ToHaveCountAsync(From.Scale.Count + 1, new() { Timeout = Wait });
    }

    /// <summary>The version page shows the new wording and that the version is final; the database holds exactly that.</summary>
    private async Task AssertStoredAsync(IPage page, int version, string rewordedKey, string addedKey, int addedAt)
    {
        var content = page.Locator("table:has(caption:text-is('Texterna i versionen')) tbody");
        await Assertions.Expect(content.Locator($"tr:has(th:text-is('{rewordedKey}'))")).ToContainTextAsync("Ledningen ger tid och utrymme att diskutera framtiden.", new() { Timeout = Wait });
        await Assertions.Expect(content.Locator($"tr:has(th:text-is('{rewordedKey}'))")).ToContainTextAsync("Management gives time and room to discuss the future.", new() { Timeout = Wait });
        await Assertions.Expect(content.Locator($"tr:has(th:text-is('{addedKey}'))")).ToContainTextAsync("Digitaliseringen har en egen budget.", new() { Timeout = Wait });

        var stored = await StoredAsync(version);
        Assert.True(stored.IsFinal);
        var definition = QuestionnaireDefinition.Parse(stored.Definition);
        var statements = definition.Themes[0].Statements;
        Assert.Equal(new LocalizedText("Ledningen ger tid och utrymme att diskutera framtiden.", "Management gives time and room to discuss the future."), statements[1].Text);
        Assert.Equal(rewordedKey, statements[1].Key);
        Assert.Equal(addedKey, statements[addedAt].Key);
        Assert.Equal(From.Themes[0].Statements[^1].Key, statements[^1].Key);
        Assert.Equal("Private provider of a public service", definition.Background[0].Options[^1].Text.En);
        Assert.Equal(From.Background[0].Options.Count + 1, definition.Background[0].Options.Count);
        Assert.Equal(From.Title, definition.Title);
    }

    private async Task<Questionnaire> StoredAsync(int version)
    {
        await using var db = browser.Site.Db();
        return await db.Questionnaires.AsNoTracking().SingleAsync(q => q.Key == From.Key && q.Version == version);
    }
}
