using System.Net;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Tests.Pages;

/// <summary>Questionnaire versions leave as XLSForms and come back as new drafts; a form that asks what this site cannot is refused by row and column.</summary>
public abstract class QuestionnaireXlsFormTests(AdminSiteFactory site)
{
    public sealed class OnSqlite(AdminSiteFactory site) : QuestionnaireXlsFormTests(site), IClassFixture<AdminSiteFactory>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresAdminSiteFactory site) : QuestionnaireXlsFormTests(site), IClassFixture<PostgresAdminSiteFactory>;

    [Fact]
    public async Task The_export_is_an_xlsform_of_survey_choices_and_settings_in_both_languages()
    {
        var browser = await site.SignedInAsync("xlsform-export");
        var shipped = ShippedQuestionnaires.Newest;
        using var export = await browser.GetAsync($"/admin/questionnaires/{shipped.Key}/{shipped.Version}.xlsx");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal(QuestionnaireXlsForm.ContentType, export.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{shipped.Key}-v{shipped.Version}.xlsx", export.Content.Headers.ContentDisposition?.FileNameStar ?? export.Content.Headers.ContentDisposition?.FileName);
        var form = XlsFormFile.Read(await export.Content.ReadAsByteArrayAsync());

        Assert.Equal(["survey", "choices", "settings"], form.Sheets.Select(s => s.Name));
        var header = form["survey"][0];
        Assert.Equal(["type", "name", "label::Svenska (sv)", "label::English (en)", "hint::Svenska (sv)", "hint::English (en)", "required"], header.Take(7));
        var theme = shipped.Themes[0];
        Assert.Equal(["begin_group", theme.Key, theme.Title.Sv, theme.Title.En], form["survey"][1].Take(4));
        var statement = theme.Statements[0];
        Assert.Equal(["select_one scale", statement.Key, statement.Text.Sv, statement.Text.En, "", "", "yes"], form["survey"][2].Take(7));
        Assert.Equal(shipped.Themes.Count, form["survey"].Count(r => r[0] == "begin_group"));
        Assert.Equal(shipped.Themes.Count, form["survey"].Count(r => r[0] == "end_group"));
        Assert.Equal(shipped.Statements.Count(), form["survey"].Count(r => r[0] == "select_one scale"));
        foreach (var question in shipped.Background)
        {
            Assert.Equal($"select_one {question.Key}_options", form.SurveyRow(question.Key)[0]);
        }
        var free = form.SurveyRow(shipped.FreeText.Key);
        Assert.Equal("text", free[0]);
        Assert.Equal($"string-length(.) <= {shipped.FreeText.MaxLength}", free[header.IndexOf("constraint")]);
        Assert.Equal(shipped.FreeText.Hint.En, free[header.IndexOf("hint::English (en)")]);

        var choices = form["choices"];
        Assert.Equal(["list_name", "name", "label::Svenska (sv)", "label::English (en)"], choices[0]);
        Assert.Equal(["scale", "0", shipped.DontKnow.Text.Sv, shipped.DontKnow.Text.En], choices.Single(r => r[0] == "scale" && r[1] == "0"));
        Assert.Equal(["1", "2", "3", "4", "5", "0"], choices.Where(r => r[0] == "scale").Select(r => r[1]));
        Assert.Equal(shipped.Background[0].Options.Count, choices.Count(r => r[0] == shipped.Background[0].Key + "_options"));

        var settings = form["settings"];
        Assert.Equal(shipped.Title.Sv, settings[1][settings[0].IndexOf("form_title")]);
        Assert.Equal(shipped.Key, settings[1][settings[0].IndexOf("form_id")]);
        Assert.Equal(shipped.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), settings[1][settings[0].IndexOf("version")]);

        var page = await browser.GetPageAsync($"/admin/questionnaires/{shipped.Key}/{shipped.Version}");
        Assert.NotNull(page.QuerySelector($"a[href='/admin/questionnaires/{shipped.Key}/{shipped.Version}.xlsx'][download]"));
        using var anonymous = await site.Browser().GetAsync($"/admin/questionnaires/{shipped.Key}/{shipped.Version}.xlsx");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var missing = await browser.GetAsync($"/admin/questionnaires/{shipped.Key}/999.xlsx");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task The_xlsform_export_of_every_version_reimports_to_an_identical_version()
    {
        var browser = await site.SignedInAsync("xlsform-roundtrip");
        List<(string Key, int Version, string Definition)> versions;
        await using (var db = site.Db())
        {
            versions = [.. (await db.Questionnaires.AsNoTracking().Where(q => q.Key == ShippedQuestionnaires.Newest.Key && q.Version <= ShippedQuestionnaires.Newest.Version).ToListAsync())
                .Select(q => (q.Key, q.Version, q.Definition))];
        }
        Assert.True(versions.Count >= 2);
        foreach (var (key, version, definition) in versions)
        {
            using var export = await browser.GetAsync($"/admin/questionnaires/{key}/{version}.xlsx");
            using var imported = await QuestionnaireImportTests.ImportAsync(browser, await export.Content.ReadAsByteArrayAsync(), $"{key}-v{version}.xlsx");
            Assert.Equal(HttpStatusCode.Redirect, imported.StatusCode);
            var created = int.Parse(imported.Headers.Location!.OriginalString.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
            await using var db = site.Db();
            var stored = await db.Questionnaires.AsNoTracking().SingleAsync(q => q.Key == key && q.Version == created);
            Assert.False(stored.IsFinal);
            Assert.Equal((QuestionnaireDefinition.Parse(definition) with { Version = created }).ToJson(), QuestionnaireDefinition.Parse(stored.Definition).ToJson());
            Assert.Contains(await site.AuditAsync("xlsform-roundtrip"), a => a.Action == AuditAction.QuestionnaireImported && a.Detail!.StartsWith($"{key} v{created}", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task An_xlsform_with_another_key_and_languages_written_by_code_only_becomes_a_new_questionnaire()
    {
        var browser = await site.SignedInAsync("xlsform-new");
        var form = await ExportAsync(browser);
        form.Set("settings", form["settings"][1], "form_id", "xlsform-new-questionnaire");
        // Another spreadsheet tool may name the languages by their codes alone.
        foreach (var sheet in new[] { "survey", "choices" })
        {
            var header = form[sheet][0];
            for (var i = 0; i < header.Count; i++)
            {
                header[i] = header[i].Replace("Svenska (sv)", "sv", StringComparison.Ordinal).Replace("English (en)", "en", StringComparison.Ordinal);
            }
        }
        using var imported = await QuestionnaireImportTests.ImportAsync(browser, await form.WriteAsync(), "new.xlsx");
        Assert.Equal("/admin/questionnaires/xlsform-new-questionnaire/1", imported.Headers.Location?.OriginalString);
        await using var db = site.Db();
        var stored = QuestionnaireDefinition.Parse(await db.Questionnaires.Where(q => q.Key == "xlsform-new-questionnaire").Select(q => q.Definition).SingleAsync());
        Assert.Equal((ShippedQuestionnaires.Newest with { Key = "xlsform-new-questionnaire", Version = 1 }).ToJson(), stored.ToJson());
    }

    [Fact]
    public async Task A_note_before_the_first_group_is_the_introduction_and_comes_back_in_the_export()
    {
        var browser = await site.SignedInAsync("xlsform-introduction");
        var form = await ExportAsync(browser);
        form.Set("settings", form["settings"][1], "form_id", "xlsform-introduction");
        form["survey"].Insert(1, ["note", "welcome", "Välkommen till enkäten.", "Welcome to the survey."]);

        using var imported = await QuestionnaireImportTests.ImportAsync(browser, await form.WriteAsync(), "introduction.xlsx");
        Assert.Equal("/admin/questionnaires/xlsform-introduction/1", imported.Headers.Location?.OriginalString);
        QuestionnaireDefinition stored;
        await using (var db = site.Db())
        {
            stored = QuestionnaireDefinition.Parse(await db.Questionnaires.Where(q => q.Key == "xlsform-introduction").Select(q => q.Definition).SingleAsync());
        }
        Assert.Equal(new LocalizedText("Välkommen till enkäten.", "Welcome to the survey."), stored.Introduction);

        using var export = await browser.GetAsync("/admin/questionnaires/xlsform-introduction/1.xlsx");
        using var again = await QuestionnaireImportTests.ImportAsync(browser, await export.Content.ReadAsByteArrayAsync(), "introduction-again.xlsx");
        Assert.Equal("/admin/questionnaires/xlsform-introduction/2", again.Headers.Location?.OriginalString);
        await using (var db = site.Db())
        {
            var reimported = QuestionnaireDefinition.Parse(await db.Questionnaires.Where(q => q.Key == "xlsform-introduction" && q.Version == 2).Select(q => q.Definition).SingleAsync());
            Assert.Equal((stored with { Version = 2 }).ToJson(), reimported.ToJson());
        }

        // The site's own format and its schema carry the introduction too.
        using var json = await browser.GetAsync("/admin/questionnaires/xlsform-introduction/1.json");
        using var fromJson = await QuestionnaireImportTests.ImportAsync(browser, await json.Content.ReadAsByteArrayAsync(), "introduction.json");
        Assert.Equal("/admin/questionnaires/xlsform-introduction/3", fromJson.Headers.Location?.OriginalString);
        await using (var db = site.Db())
        {
            var reimported = QuestionnaireDefinition.Parse(await db.Questionnaires.Where(q => q.Key == "xlsform-introduction" && q.Version == 3).Select(q => q.Definition).SingleAsync());
            Assert.Equal(stored.Introduction, reimported.Introduction);
        }
    }

    public static TheoryData<string, string, string> BadForms() => new()
    {
        { "select_multiple", "blad survey, rad 3, kolumn type", "”select_multiple scale”" },
        { "integer", "blad survey, rad 3, kolumn type", "”integer”" },
        { "geopoint", "blad survey, rad 3, kolumn type", "”geopoint”" },
        { "calculate", "blad survey, rad 3, kolumn type", "”calculate”" },
        { "begin_repeat", "blad survey, rad 2, kolumn type", "”begin_repeat”" },
        { "relevant", "blad survey, rad 3, kolumn relevant", "villkor" },
        { "constraint", "blad survey, rad 3, kolumn constraint", "villkor" },
        { "free-text-constraint", "kolumn constraint", "string-length(.) <= N" },
        { "missing-label", "blad survey, rad 3, kolumn label::English (en)", "engelska" },
        { "missing-label-column", "blad choices, rad 1", "label::Svenska (sv)" },
        { "not-required", "blad survey, rad 3, kolumn required", "yes" },
        { "unknown-list", "blad survey, rad 3, kolumn type", "”nowhere”" },
        { "no-dont-know", "choices", "namnet 0" },
        { "option-name", "blad choices, rad", "”yes”" },
        { "duplicate-key", "blad survey, rad 4, kolumn name", "används redan" },
        { "bad-key", "blad survey, rad 3, kolumn name", "liten bokstav" },
        { "unknown-column", "blad survey, rad 1, kolumn", "media::image" },
        { "wrong-sheet-names", "survey", "”Sheet1”" },
        { "no-settings", "settings", "saknar bladet" },
        { "nested-group", "blad survey, rad", "grupp inne i en grupp" },
        { "unclosed-group", "blad survey, rad", "end_group" },
        { "late-note", "blad survey, rad 3, kolumn type", "note kan bara stå först" },
    };

    [Theory]
    [MemberData(nameof(BadForms))]
    public async Task A_form_this_site_cannot_ask_gets_400_naming_the_row_and_column_and_stores_nothing(string kind, string where, string what)
    {
        var browser = await site.SignedInAsync($"xlsform-{kind}");
        var form = await ExportAsync(browser);
        var survey = form["survey"];
        var header = survey[0];
        var statement = survey[2];
        switch (kind)
        {
            case "select_multiple":
                statement[0] = "select_multiple scale";
                break;
            case "integer" or "geopoint" or "calculate":
                statement[0] = kind;
                break;
            case "begin_repeat":
                survey[1][0] = "begin_repeat";
                break;
            case "relevant":
                form.Set("survey", statement, "relevant", "${lead_drive} = '5'");
                break;
            case "constraint":
                form.Set("survey", statement, "constraint", ". != 3");
                break;
            case "free-text-constraint":
                form.Set("survey", form.SurveyRow(ShippedQuestionnaires.Newest.FreeText.Key), "constraint", "regex(., '^[a-z]*$')");
                break;
            case "missing-label":
                statement[header.IndexOf("label::English (en)")] = "";
                break;
            case "missing-label-column":
                form["choices"][0][2] = "label";
                break;
            case "not-required":
                statement[header.IndexOf("required")] = "no";
                break;
            case "unknown-list":
                statement[0] = "select_one nowhere";
                break;
            case "no-dont-know":
                form["choices"].RemoveAll(r => r[0] == "scale" && r[1] == "0");
                break;
            case "option-name":
                form["choices"].First(r => r[0].EndsWith("_options", StringComparison.Ordinal))[1] = "yes";
                break;
            case "duplicate-key":
                survey[3][1] = statement[1];
                break;
            case "bad-key":
                statement[1] = "Lead-Drive";
                break;
            case "unknown-column":
                form.Set("survey", statement, "media::image", "picture.png");
                break;
            case "wrong-sheet-names":
                form.Sheets[0] = ("Sheet1", survey);
                break;
            case "no-settings":
                form.Sheets.RemoveAt(2);
                break;
            case "nested-group":
                survey.Insert(2, ["begin_group", "inner", "Inre", "Inner"]);
                survey.Insert(4, ["end_group", "inner"]);
                break;
            case "late-note":
                survey.Insert(2, ["note", "later", "Senare", "Later"]);
                break;
            case "unclosed-group":
                survey.RemoveAll(r => r.Count > 0 && r[0] == "end_group" && r[1] == ShippedQuestionnaires.Newest.Themes[^1].Key);
                break;
        }
        int before;
        await using (var db = site.Db())
        {
            before = await db.Questionnaires.CountAsync();
        }

        using var response = await QuestionnaireImportTests.ImportAsync(browser, await form.WriteAsync(), $"{kind}.xlsx");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await HtmlForm.ParseAsync(response);
        var problems = page.QuerySelectorAll("#problems li").Select(li => li.TextContent).ToList();
        Assert.True(problems.Any(p => p.Contains(where, StringComparison.Ordinal) && p.Contains(what, StringComparison.Ordinal)), string.Join("\n", problems));
        await using (var db = site.Db())
        {
            Assert.Equal(before, await db.Questionnaires.CountAsync());
        }
        Assert.DoesNotContain(await site.AuditAsync($"xlsform-{kind}"), a => a.Action == AuditAction.QuestionnaireImported);
    }

    [Fact]
    public async Task Every_problem_of_a_form_is_listed_at_once_in_the_admins_language()
    {
        var browser = await site.SignedInAsync("xlsform-many");
        var form = await ExportAsync(browser);
        form["survey"][2][0] = "select_multiple scale";
        form["survey"][3][0] = "integer";
        form.Set("survey", form["survey"][4], "relevant", "true()");
        await browser.GetAsync("/language/en?returnUrl=/admin");
        using var response = await QuestionnaireImportTests.ImportAsync(browser, await form.WriteAsync(), "many.xlsx");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problems = (await HtmlForm.ParseAsync(response)).QuerySelectorAll("#problems li").Select(li => li.TextContent).ToList();
        Assert.Contains(problems, p => p.Contains("sheet survey, row 3, column type", StringComparison.Ordinal) && p.Contains("cannot ask the question type “select_multiple scale”", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("sheet survey, row 4, column type", StringComparison.Ordinal) && p.Contains("“integer”", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("sheet survey, row 5, column relevant", StringComparison.Ordinal));
    }

    private static async Task<XlsFormFile> ExportAsync(HttpClient browser)
    {
        var shipped = ShippedQuestionnaires.Newest;
        using var export = await browser.GetAsync($"/admin/questionnaires/{shipped.Key}/{shipped.Version}.xlsx");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        return XlsFormFile.Read(await export.Content.ReadAsByteArrayAsync());
    }
}
