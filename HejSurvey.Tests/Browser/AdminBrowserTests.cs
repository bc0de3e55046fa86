using System.Globalization;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace HejSurvey.Tests.Browser;

/// <summary>An admin in a real Chromium: signs in with the keyboard, runs a round from draft to published, downloads its responses.</summary>
[Collection(UsesBrowser.Name)]
[Trait("Category", "Browser")]
public sealed class AdminBrowserTests(BrowserSite browser)
{
    private static readonly QuestionnaireDefinition Questionnaire = ShippedQuestionnaires.Newest;

    [Fact]
    public async Task An_admin_signs_in_with_the_keyboard_runs_a_round_to_published_results_and_downloads_its_responses()
    {
        const string Admin = "astrid";
        const string Password = "ett långt lösenord för hela resan";
        await browser.CreateAdminAsync(Admin, Password);
        var round = await browser.Site.CreateRoundAsync("admin-journey", RoundState.Draft);
        await using var tab = await browser.OpenAsync(Screen.Desktop);
        var page = tab.Page;

        // Anonymous, the admin area sends the visitor to the login page and remembers where they were going.
        Assert.Equal(200, await tab.GotoAsync("/admin"));
        Assert.EndsWith("/admin/login?ReturnUrl=%2Fadmin", page.Url, StringComparison.Ordinal);

        // Tab to the name field, type, Tab to the password, type, Enter.
        await tab.TabToAsync("input#Input_Name[Input.Name=]");
        await page.Keyboard.TypeAsync(Admin);
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("input#Input_Password[Input.Password=]", await tab.FocusedAsync());
        await page.Keyboard.TypeAsync(Password);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/admin");
        Assert.Equal("Omgångar", await page.Locator("h1").InnerTextAsync());
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Logga ut {Admin}" })).ToBeVisibleAsync();

        // The draft round, from the dashboard: open it.
        await page.GetByRole(AriaRole.Link, new() { Name = round.TitleSv }).ClickAsync();
        await page.WaitForURLAsync($"**/admin/rounds/{round.Slug}");
        await Assertions.Expect(page.Locator("#state")).ToHaveTextAsync("Utkast");
        await page.GetByRole(AriaRole.Button, new() { Name = "Öppna omgången" }).ClickAsync();
        await Assertions.Expect(page.Locator("#state")).ToHaveTextAsync("Öppen");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Omgången är öppen och tar emot svar.");

        // Two respondents answer on their phones, one of them with a Swedish free text, the other with a line break and quotes.
        await RespondAsync(round.Slug, 0, "Mer samarbete över gränserna – och chefer som vågar! Åsa på Öland");
        await RespondAsync(round.Slug, 1, "Tydliga mål, \"färre\" möten;\nmer mod");

        // Close the round, then publish its results.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#responses")).ToHaveTextAsync("2");
        await page.GetByRole(AriaRole.Link, new() { Name = "Stäng omgången…" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Ja, stäng omgången för gott" }).ClickAsync();
        await Assertions.Expect(page.Locator("#state")).ToHaveTextAsync("Stängd");
        await Assertions.Expect(page.Locator("#visible")).ToHaveTextAsync("Nej");
        await using (var visitor = await browser.OpenAsync(Screen.Desktop))
        {
            Assert.Equal(404, await visitor.GotoAsync($"/results/{round.Slug}"));
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Publicera resultaten" }).ClickAsync();
        await Assertions.Expect(page.Locator("#published")).ToHaveTextAsync("Ja");
        await Assertions.Expect(page.Locator("#visible")).ToHaveTextAsync("Ja");

        // A respondent who comes now is told the round is closed; anyone can read the results.
        await using (var visitor = await browser.OpenAsync(Screen.Phone))
        {
            Assert.Equal(410, await visitor.GotoAsync($"/survey/{round.Slug}"));
            await Assertions.Expect(visitor.Page.Locator("main")).ToContainTextAsync("Enkäten är stängd och tar inte emot fler svar.");
            Assert.Equal(200, await visitor.GotoAsync($"/results/{round.Slug}"));
            Assert.Equal($"Resultat: {round.TitleSv}", await visitor.Page.Locator("h1").InnerTextAsync());
            Assert.Equal("2", await visitor.Page.Locator("[data-figure=responses]").InnerTextAsync());
        }
        await page.GetByRole(AriaRole.Link, new() { Name = $"Resultaten: /results/{round.Slug}" }).ClickAsync();
        await page.WaitForURLAsync($"**/results/{round.Slug}");
        await page.GoBackAsync();

        // The responses, through the link, as a real download. The link's download attribute would make a download of
        // any answer, and the browser reports nothing of such a download; without it the browser downloads only because
        // the site says "attachment", and shows the answer's headers.
        var link = page.GetByRole(AriaRole.Link, new() { Name = "Alla svar (CSV, för Excel)" });
        await link.EvaluateAsync("a => a.removeAttribute('download')");
        var answer = page.WaitForResponseAsync(r => r.Url.EndsWith($"/admin/rounds/{round.Slug}/responses.csv", StringComparison.Ordinal));
        var (fileName, content) = await tab.DownloadAsync(() => link.ClickAsync());
        var disposition = (await (await answer).AllHeadersAsync())["content-disposition"];
        Assert.EndsWith($"/admin/rounds/{round.Slug}", page.Url, StringComparison.Ordinal);
        Assert.StartsWith("attachment;", disposition, StringComparison.Ordinal);
        Assert.Equal($"{round.Slug}-responses.csv", fileName);
        await AssertRowsMatchTheDatabaseAsync(round, content);

        // Sign out: the admin area asks for a login again.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Logga ut {Admin}" }).ClickAsync();
        await page.WaitForURLAsync("**/admin/login");
        Assert.DoesNotContain(await tab.Context.CookiesAsync(), c => c.Name == "HejSurvey.Admin");
        await tab.GotoAsync($"/admin/rounds/{round.Slug}");
        Assert.Contains("/admin/login?ReturnUrl=", page.Url, StringComparison.Ordinal);

        await using var db = tab.Db();
        var audit = await db.AuditEntries.AsNoTracking().Where(a => a.Admin == Admin).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync();
        Assert.Equal([AuditAction.Login, AuditAction.RoundOpened, AuditAction.RoundClosed, AuditAction.ResultsPublished, AuditAction.Download, AuditAction.Logout], audit);
        tab.AssertOnlySiteRequests();
    }

    /// <summary>A respondent fills in the whole form on a phone and sends it; the answers differ with <paramref name="person"/>.</summary>
    private async Task RespondAsync(string slug, int person, string freeText)
    {
        await using var respondent = await browser.OpenAsync(Screen.Phone);
        var page = respondent.Page;
        Assert.Equal(200, await respondent.GotoAsync($"/survey/{slug}"));
        var statements = Questionnaire.Statements.ToList();
        for (var i = 0; i < statements.Count; i++)
        {
            // Every value of the scale and "don't know" (0) occurs.
            var value = (i + person) % 6 is var step && step < Questionnaire.Scale.Count ? Questionnaire.Scale[step].Value : Questionnaire.DontKnow.Value;
            await page.Locator($"#{statements[i].Key}-{value}").CheckAsync();
        }
        foreach (var question in Questionnaire.Background)
        {
            await page.Locator($"#{question.Key}-{question.Options[person % question.Options.Count].Value}").CheckAsync();
        }
        await page.Locator($"textarea[name={Questionnaire.FreeText.Key}]").FillAsync(freeText);
        await page.GetByRole(AriaRole.Button, new() { Name = "Skicka svaren" }).ClickAsync();
        await page.WaitForURLAsync($"**/survey/{slug}/thanks");
    }

    /// <summary>The file has a header of the export's columns and one row per stored response, cell by cell as the database holds it (a line break in the free text as a space, as the export writes it).</summary>
    private async Task AssertRowsMatchTheDatabaseAsync(Round round, byte[] content)
    {
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, content[..3]);
        var rows = CsvTable.Lines(content);

        await using var db = browser.Site.Db();
        var stored = await db.Responses.AsNoTracking().Include(r => r.Answers).Where(r => r.RoundId == round.Id).OrderBy(r => r.Id).ToListAsync();
        var keys = Questionnaire.ChoiceKeys.ToList();
        string[][] expected =
        [
            ResponseExport.Columns(Questionnaire),
            .. stored.Select(r => (string[])
            [
                r.Id.ToString(CultureInfo.InvariantCulture),
                r.SubmittedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Questionnaire.Version.ToString(CultureInfo.InvariantCulture),
                .. keys.Select(k => r.Answers.SingleOrDefault(a => a.QuestionKey == k)?.Value.ToString(CultureInfo.InvariantCulture) ?? ""),
                ResponseExport.OneLine(r.FreeText) ?? "",
            ]),
        ];
        Assert.Equal(3, expected.Length);
        Assert.Equal(expected, rows);
        Assert.Contains(rows, row => row[^1] == "Mer samarbete över gränserna – och chefer som vågar! Åsa på Öland");
    }
}
