using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Tests.Pages;

/// <summary>An admin makes, edits, previews and finalises questionnaire versions, and binds draft rounds to them.</summary>
public abstract class QuestionnaireEditorTests(AdminSiteFactory site)
{
    public sealed class OnSqlite(AdminSiteFactory site) : QuestionnaireEditorTests(site), IClassFixture<AdminSiteFactory>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresAdminSiteFactory site) : QuestionnaireEditorTests(site), IClassFixture<PostgresAdminSiteFactory>;

    private const string Key = "hej-digitalt";

    [Fact]
    public async Task An_admin_makes_a_new_version_in_the_editor_previews_it_without_storing_makes_it_final_and_a_round_is_answered_on_it()
    {
        var browser = await site.SignedInAsync("editor-journey");
        var from = await NewestFinalAsync();
        var version = await NewDraftAsync(browser, from);
        var draft = await StoredAsync(version);
        Assert.False(draft.IsFinal);
        Assert.Equal(from, draft.BasedOnVersion);
        Assert.Contains(await site.AuditAsync("editor-journey"), a => a.Action == AuditAction.QuestionnaireCreated && a.Detail!.StartsWith($"{Key} v{version}", StringComparison.Ordinal));

        var edit = $"/admin/questionnaires/{Key}/{version}/edit";
        var page = await browser.GetPageAsync(edit);
        var fields = EditorFields(page);
        var original = QuestionnaireDefinition.Parse(draft.Definition);
        var leadTheme = original.Themes.Select((t, i) => (t, i)).First(x => x.t.Statements.Count > 1).i;
        var reworded = original.Themes[leadTheme].Statements[1];
        var lastTheme = original.Themes.Count - 1;
        var removed = original.Themes[lastTheme].Statements[^1];

        // Add an organisation type, a statement, remove another: each a post that stores nothing.
        page = await PostAsync(browser, edit, fields, "add-option-0");
        fields = EditorFields(page);
        var newOption = original.Background[0].Options.Count;
        fields[$"Input.Background[0].Options[{newOption}].Text.Sv"] = "Privat utförare av offentlig tjänst";
        fields[$"Input.Background[0].Options[{newOption}].Text.En"] = "Private provider of a public service";
        page = await PostAsync(browser, edit, fields, $"add-statement-{leadTheme}");
        fields = EditorFields(page);
        var added = original.Themes[leadTheme].Statements.Count;
        fields[$"Input.Themes[{leadTheme}].Statements[{added}].Key"] = "lead_budget";
        fields[$"Input.Themes[{leadTheme}].Statements[{added}].Text.Sv"] = "Digitaliseringen har en egen budget.";
        fields[$"Input.Themes[{leadTheme}].Statements[{added}].Text.En"] = "Digitalisation has a budget of its own.";
        page = await PostAsync(browser, edit, fields, $"remove-statement-{lastTheme}-{original.Themes[lastTheme].Statements.Count - 1}");
        fields = EditorFields(page);
        Assert.DoesNotContain(fields.Values, v => v == removed.Text.Sv);
        fields[$"Input.Themes[{leadTheme}].Statements[1].Text.Sv"] = "Ledningen ger tid och utrymme att diskutera framtiden.";
        fields[$"Input.Themes[{leadTheme}].Statements[1].Text.En"] = "Management gives time and room to discuss the future.";

        // A new wording without the choice between "same question" and "new question" is not accepted.
        using (var unchosen = await browser.PostFormAsync(edit, With(fields, "save")))
        {
            var refused = await HtmlForm.ParseAsync(unchosen);
            var link = Assert.Single(refused.QuerySelectorAll("#error-summary li a"));
            Assert.Contains("välj om det är samma fråga", link.TextContent, StringComparison.Ordinal);
            Assert.NotNull(refused.QuerySelector(link.GetAttribute("href")!));
        }
        fields[$"Input.Themes[{leadTheme}].Statements[1].Meaning"] = "same";

        // An introduction given in Swedish only is refused at its English field; given in both, it heads the form.
        fields["Input.Introduction.Sv"] = "Enkäten följer upp workshoppen Hej digitalt.";
        using (var halfIntroduced = await browser.PostFormAsync(edit, With(fields, "save")))
        {
            var refused = await HtmlForm.ParseAsync(halfIntroduced);
            Assert.Equal("#Input_Introduction_En", Assert.Single(refused.QuerySelectorAll("#error-summary li a")).GetAttribute("href"));
        }
        fields["Input.Introduction.En"] = "The survey follows up the Hej digitalt workshop.";

        var preview = await PostAsync(browser, edit, fields, "preview");
        Assert.Equal("Enkäten följer upp workshoppen Hej digitalt.", preview.QuerySelector("section[lang=sv] .introduction")!.TextContent);
        Assert.Equal("The survey follows up the Hej digitalt workshop.", preview.QuerySelector("section[lang=en] .introduction")!.TextContent);
        Assert.Contains("Ledningen ger tid och utrymme att diskutera framtiden.", preview.QuerySelector("section[lang=sv]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Management gives time and room to discuss the future.", preview.QuerySelector("section[lang=en]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Private provider of a public service", preview.QuerySelector("section[lang=en]")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(removed.Text.Sv, preview.QuerySelector("section[lang=sv]")!.TextContent, StringComparison.Ordinal);
        // Both languages on one page, yet no id twice.
        var ids = preview.QuerySelectorAll("[id]").Select(e => e.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(draft.Definition, (await StoredAsync(version)).Definition);

        using (var saved = await browser.PostFormAsync(edit, With(EditorFields(preview), "save")))
        {
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
            Assert.Equal($"/admin/questionnaires/{Key}/{version}", saved.Headers.Location?.OriginalString);
        }
        var stored = QuestionnaireDefinition.Parse((await StoredAsync(version)).Definition);
        Assert.Equal(version, stored.Version);
        Assert.Equal("Management gives time and room to discuss the future.", stored.Statements.Single(s => s.Key == reworded.Key).Text.En);
        Assert.Contains(stored.Statements, s => s.Key == "lead_budget");
        Assert.DoesNotContain(stored.Statements, s => s.Key == removed.Key);
        Assert.Equal("Privat utförare av offentlig tjänst", stored.Background[0].Options[^1].Text.Sv);
        Assert.Equal(newOption + 1, stored.Background[0].Options[^1].Value);
        Assert.Equal(new LocalizedText("Enkäten följer upp workshoppen Hej digitalt.", "The survey follows up the Hej digitalt workshop."), stored.Introduction);

        // A draft cannot be chosen for a round.
        var newRound = await browser.GetPageAsync("/admin/rounds/new");
        Assert.DoesNotContain(newRound.QuerySelectorAll("#Input_QuestionnaireId option"), o => o.TextContent == $"{Key} v{version}");

        // A published round of the version the new one was made from, to compare with.
        var before = await site.CreateRoundAsync("editor-journey-before", RoundState.Closed, published: true);

        await ChangeVersionAsync(browser, version, "Final");
        var final = await StoredAsync(version);
        Assert.True(final.IsFinal);
        Assert.Contains(await site.AuditAsync("editor-journey"), a => a.Action == AuditAction.QuestionnaireFinal && a.Detail == $"{Key} v{version}");
        using (var frozen = await browser.GetAsync(edit))
        {
            Assert.Equal(HttpStatusCode.Conflict, frozen.StatusCode);
        }
        Assert.Equal(final.Definition, (await StoredAsync(version)).Definition);
        newRound = await browser.GetPageAsync("/admin/rounds/new");
        Assert.Equal($"{Key} v{version}", newRound.QuerySelector("#Input_QuestionnaireId option[selected]")!.TextContent);

        // A draft round on the earlier version is bound to the new one, opened, and answered with its questions.
        var round = await site.CreateRoundAsync("editor-journey", RoundState.Draft);
        await RebindAsync(browser, round.Slug, final.Id, HttpStatusCode.Redirect);
        Assert.Equal(final.Id, (await site.RoundAsync(round.Slug)).QuestionnaireId);
        Assert.Contains(await site.AuditAsync("editor-journey"), a => a.Action == AuditAction.RoundQuestionnaire && a.Detail == $"{round.Slug}: {Key} v{version}");
        using (var opened = await browser.ChangeRoundAsync(round.Slug, "Open"))
        {
            Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        }
        var respondent = site.Browser();
        var form = await respondent.GetPageAsync($"/survey/{round.Slug}");
        Assert.NotNull(form.QuerySelector("input[name=lead_budget]"));
        Assert.Equal("Enkäten följer upp workshoppen Hej digitalt.", form.QuerySelector("main .introduction")!.TextContent);
        Assert.Null(form.QuerySelector($"input[name={removed.Key}]"));
        Assert.NotNull(form.QuerySelector($"input[name=orgtype][value=\"{newOption + 1}\"]"));
        var answers = stored.Statements.Select(s => new KeyValuePair<string, string>(s.Key, "4"))
            .Concat(stored.Background.Select(b => new KeyValuePair<string, string>(b.Key, b.Options[^1].Value.ToString(CultureInfo.InvariantCulture))));
        using (var answered = await respondent.PostFormAsync($"/survey/{round.Slug}", HtmlForm.HiddenFields(form).Concat(answers)))
        {
            Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        }
        await using var db = site.Db();
        var response = await db.Responses.Include(r => r.Answers).SingleAsync(r => r.RoundId == round.Id);
        Assert.Contains(response.Answers, a => a.QuestionKey == "lead_budget" && a.Value == 4);

        // Once open, the round keeps its version.
        var earlier = await db.Questionnaires.Where(q => q.Key == Key && q.Version == from).Select(q => q.Id).SingleAsync();
        await RebindAsync(browser, round.Slug, earlier, HttpStatusCode.Conflict);
        Assert.Equal(final.Id, (await site.RoundAsync(round.Slug)).QuestionnaireId);

        // Compared with the round of the earlier version: the reworded statement is a break in series, the added one was
        // not asked then, the removed one is not asked now.
        foreach (var handler in new[] { "Close", "Publish" })
        {
            using var changed = await browser.ChangeRoundAsync(round.Slug, handler, ("confirmed", "true"));
            Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        }
        var results = await site.Browser().GetPageAsync($"/results/{round.Slug}?compare={before.Slug}");
        Assert.Contains(reworded.Text.Sv, results.QuerySelector($"#{reworded.Key}-series-break")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(before.TitleSv, results.QuerySelector("#lead_budget-not-asked")!.TextContent, StringComparison.Ordinal);
        Assert.Null(results.QuerySelector($"#{original.Statements.First(s => s.Key != reworded.Key).Key}-not-asked"));
        Assert.Contains(removed.Text.Sv, results.QuerySelector("#not-asked-here")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(results.QuerySelector("#themes-differing"));
        var back = await site.Browser().GetPageAsync($"/results/{before.Slug}?compare={round.Slug}");
        Assert.NotNull(back.QuerySelector($"#{removed.Key}-not-asked"));
        Assert.NotNull(back.QuerySelector($"#{reworded.Key}-series-break"));

        // The method page of either round lists the change log with both wordings.
        var method = await site.Browser().GetPageAsync($"/results/{before.Slug}/method");
        var log = method.QuerySelector($"#changes-{from}-{version}")!;
        Assert.Contains("Ledningen ger tid och utrymme att diskutera framtiden.", log.QuerySelector($".reworded [data-key={reworded.Key}]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(reworded.Text.Sv, log.QuerySelector($".reworded [data-key={reworded.Key}]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(log.QuerySelector(".added [data-key=lead_budget]"));
        Assert.NotNull(log.QuerySelector($".removed [data-key={removed.Key}]"));
        var admin = await browser.GetPageAsync($"/admin/questionnaires/{Key}/{version}");
        Assert.NotNull(admin.QuerySelector($"#changes-{from}-{version} .added [data-key=lead_budget]"));
    }

    [Fact]
    public async Task The_editor_names_every_problem_at_its_field_and_stores_nothing()
    {
        var browser = await site.SignedInAsync("editor-problems");
        var version = await NewDraftAsync(browser, await NewestFinalAsync());
        var before = (await StoredAsync(version)).Definition;
        var edit = $"/admin/questionnaires/{Key}/{version}/edit";
        var fields = EditorFields(await browser.GetPageAsync(edit));
        fields["Input.Themes[0].Statements[0].Text.En"] = " ";
        fields["Input.Themes[0].Statements[0].Meaning"] = "same";
        fields["Input.Themes[0].Key"] = fields["Input.Themes[1].Key"];
        fields["Input.FreeText.MaxLength"] = "0";

        using var response = await browser.PostFormAsync(edit, With(fields, "save"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await HtmlForm.ParseAsync(response);
        Assert.StartsWith("Fel:", page.Title, StringComparison.Ordinal);
        var links = page.QuerySelectorAll("#error-summary li a").ToList();
        Assert.Equal(3, links.Count);
        Assert.Contains(links, l => l.GetAttribute("href") == "#Input_Themes_0__Statements_0__Text_En" && l.TextContent.Contains("engelska", StringComparison.Ordinal));
        Assert.Contains(links, l => l.GetAttribute("href") == "#Input_Themes_1__Key" && l.TextContent.Contains("används redan", StringComparison.Ordinal));
        Assert.Contains(links, l => l.GetAttribute("href") == "#Input_FreeText_MaxLength");
        Assert.All(links, l => Assert.NotNull(page.QuerySelector(l.GetAttribute("href")!)));
        Assert.Equal(before, (await StoredAsync(version)).Definition);

        // A new statement may not take the key of a question an earlier version asked: here one just removed.
        var original = QuestionnaireDefinition.Parse(before);
        var taken = original.Themes[0].Statements[0];
        fields = EditorFields(await PostAsync(browser, edit, EditorFields(await browser.GetPageAsync(edit)), "remove-statement-0-0"));
        fields = EditorFields(await PostAsync(browser, edit, fields, "add-statement-0"));
        var added = original.Themes[0].Statements.Count - 1;
        fields[$"Input.Themes[0].Statements[{added}].Key"] = taken.Key;
        fields[$"Input.Themes[0].Statements[{added}].Text.Sv"] = "Ett annat påstående.";
        fields[$"Input.Themes[0].Statements[{added}].Text.En"] = "Another statement.";
        using var reused = await browser.PostFormAsync(edit, With(fields, "save"));
        var reusedLink = Assert.Single((await HtmlForm.ParseAsync(reused)).QuerySelectorAll("#error-summary li a"));
        Assert.Contains("tidigare version", reusedLink.TextContent, StringComparison.Ordinal);
        Assert.Equal($"#Input_Themes_0__Statements_{added}__Key", reusedLink.GetAttribute("href"));
        Assert.Equal(before, (await StoredAsync(version)).Definition);

        using var unknown = await browser.PostFormAsync(edit, With(fields, "explode-everything"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    [Fact]
    public async Task A_saved_rewording_reopens_with_its_choice_made_and_each_change_gives_focus_to_what_it_changed()
    {
        var browser = await site.SignedInAsync("editor-reopen");
        var version = await NewDraftAsync(browser, await NewestFinalAsync());
        var edit = $"/admin/questionnaires/{Key}/{version}/edit";
        var page = await browser.GetPageAsync(edit);
        // The form posts to its own address, never to one with the fragment an error summary's link left behind.
        Assert.Equal(edit, page.QuerySelector("form.editor")!.GetAttribute("action"));
        var fields = EditorFields(page);
        fields["Input.Themes[0].Statements[0].Text.En"] += " Visibly.";
        fields["Input.Themes[0].Statements[0].Meaning"] = "same";
        using (var saved = await browser.PostFormAsync(edit, With(fields, "save")))
        {
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        }

        // Reopened, the reworded statement has "same question" chosen, an unchanged one no choice; saving again is accepted.
        page = await browser.GetPageAsync(edit);
        Assert.True(page.QuerySelector<IHtmlInputElement>("#Input_Themes_0__Statements_0__Meaning-same")!.IsChecked);
        Assert.Empty(page.QuerySelectorAll("input[name='Input.Themes[0].Statements[1].Meaning']:checked"));
        using (var again = await browser.PostFormAsync(edit, With(EditorFields(page), "save")))
        {
            Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        }

        // Each change of structure loads the page again with focus on what it changed, and on nothing else.
        static string Focused(IHtmlDocument page) => Assert.Single(page.QuerySelectorAll("[autofocus]")).Id!;
        page = await browser.GetPageAsync(edit);
        var count = QuestionnaireDefinition.Parse((await StoredAsync(version)).Definition).Themes[1].Statements.Count;
        page = await PostAsync(browser, edit, EditorFields(page), "add-statement-1");
        Assert.Equal($"Input_Themes_1__Statements_{count}__Text_Sv", Focused(page));
        page = await PostAsync(browser, edit, EditorFields(page), $"up-statement-1-{count}");
        Assert.Equal($"up-statement-1-{count - 1}", Focused(page));
        page = await PostAsync(browser, edit, EditorFields(page), "up-statement-1-1");
        Assert.Equal("down-statement-1-0", Focused(page));
        page = await PostAsync(browser, edit, EditorFields(page), $"down-statement-1-{count - 1}");
        Assert.Equal($"up-statement-1-{count}", Focused(page));
        page = await PostAsync(browser, edit, EditorFields(page), $"remove-statement-1-{count}");
        Assert.Equal("add-statement-1", Focused(page));
        page = await PostAsync(browser, edit, EditorFields(page), "add-option-0");
        Assert.Matches(@"^Input_Background_0__Options_\d+__Text_Sv$", Focused(page));
        page = await PostAsync(browser, edit, EditorFields(page), "remove-option-0-0");
        Assert.Equal("add-option-0", Focused(page));
        page = await PostAsync(browser, edit, EditorFields(page), "down-theme-0");
        Assert.Equal("down-theme-1", Focused(page));
        page = await PostAsync(browser, edit, EditorFields(page), "add-theme");
        Assert.Matches(@"^Input_Themes_\d+__Key$", Focused(page));
        page = await PostAsync(browser, edit, EditorFields(page), "remove-theme-0");
        Assert.Equal("add-theme", Focused(page));
        // Whatever follows the positions an action needs is ignored, there as when the focus is chosen: never a 500.
        page = await PostAsync(browser, edit, EditorFields(page), "remove-option-0-0-x");
        Assert.Equal("add-option-0", Focused(page));
        page = await PostAsync(browser, edit, EditorFields(page), "add-theme-x");
        Assert.Matches(@"^Input_Themes_\d+__Key$", Focused(page));
    }

    [Fact]
    public async Task The_list_shows_every_version_with_its_state_and_rounds()
    {
        var browser = await site.SignedInAsync("editor-list");
        var round = await site.CreateRoundAsync("editor-list");
        var version = await NewDraftAsync(browser, await NewestFinalAsync());
        var page = await browser.GetPageAsync("/admin/questionnaires");
        var rows = page.QuerySelectorAll($"table#{Key} tbody tr").ToList();
        var draftRow = rows.Single(r => r.QuerySelector("th")!.TextContent == $"{Key} version {version}");
        Assert.Contains("Utkast", draftRow.TextContent, StringComparison.Ordinal);
        var used = await site.RoundAsync(round.Slug);
        await using var db = site.Db();
        var usedVersion = await db.Questionnaires.Where(q => q.Id == used.QuestionnaireId).Select(q => q.Version).SingleAsync();
        var usedRow = rows.Single(r => r.QuerySelector("th")!.TextContent == $"{Key} version {usedVersion}");
        Assert.Contains("Slutlig", usedRow.TextContent, StringComparison.Ordinal);
        Assert.Contains(round.Slug, usedRow.TextContent, StringComparison.Ordinal);

        using var anonymous = await site.Browser().GetAsync("/admin/questionnaires");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
    }

    private async Task<int> NewestFinalAsync()
    {
        await using var db = site.Db();
        return await db.Questionnaires.Where(q => q.Key == Key && q.IsFinal).MaxAsync(q => q.Version);
    }

    private async Task<Questionnaire> StoredAsync(int version)
    {
        await using var db = site.Db();
        return await db.Questionnaires.AsNoTracking().SingleAsync(q => q.Key == Key && q.Version == version);
    }

    /// <summary>"New version from this one" on the version's page; returns the number the draft got.</summary>
    private static async Task<int> NewDraftAsync(HttpClient browser, int from)
    {
        using var response = await ChangeVersionAsync(browser, from, "NewVersion");
        var location = response.Headers.Location!.OriginalString;
        Assert.Matches($"^/admin/questionnaires/{Key}/[0-9]+/edit$", location);
        return int.Parse(location.Split('/')[4], CultureInfo.InvariantCulture);
    }

    private static async Task<HttpResponseMessage> ChangeVersionAsync(HttpClient browser, int version, string handler)
    {
        var url = $"/admin/questionnaires/{Key}/{version}";
        var page = await browser.GetPageAsync(url);
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var response = await browser.PostFormAsync($"{url}?handler={handler}", [new("__RequestVerificationToken", token)]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response;
    }

    private static async Task RebindAsync(HttpClient browser, string slug, int questionnaireId, HttpStatusCode expected)
    {
        var page = await browser.GetPageAsync($"/admin/rounds/{slug}");
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var response = await browser.PostFormAsync($"/admin/rounds/{slug}/questionnaire",
            [new("__RequestVerificationToken", token), new("QuestionnaireId", questionnaireId.ToString(CultureInfo.InvariantCulture))]);
        Assert.Equal(expected, response.StatusCode);
    }

    /// <summary>The editor form's values as a browser would send them (checked radio buttons only, no buttons).</summary>
    internal static Dictionary<string, string> EditorFields(IHtmlDocument page)
    {
        var form = page.QuerySelector<IHtmlFormElement>("form.editor") ?? throw new InvalidOperationException("The page has no editor.");
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var input in form.QuerySelectorAll<IHtmlInputElement>("input[name]"))
        {
            if (input.Type is "radio" or "checkbox" && !input.IsChecked)
            {
                continue;
            }
            fields[input.Name!] = input.Value;
        }
        foreach (var area in form.QuerySelectorAll<IHtmlTextAreaElement>("textarea[name]"))
        {
            fields[area.Name!] = area.Value;
        }
        return fields;
    }

    internal static IEnumerable<KeyValuePair<string, string>> With(Dictionary<string, string> fields, string action) =>
        fields.Append(new("action", action));

    private static async Task<IHtmlDocument> PostAsync(HttpClient browser, string url, Dictionary<string, string> fields, string action)
    {
        using var response = await browser.PostFormAsync(url, With(fields, action));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{action} answered {(int)response.StatusCode}");
        var page = await HtmlForm.ParseAsync(response);
        Assert.Empty(page.QuerySelectorAll("#error-summary"));
        return page;
    }
}
