using System.Globalization;
using System.Net;
using HejSurvey.Tests.Pages;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Tests.Programs;

/// <summary>
/// The labelled downloads opened with the programs analysts use: PSPP runs responses.sps on responses.csv, Rscript
/// runs responses.R, and what each of them reads is compared with the answers stored in the database.
/// </summary>
[Trait("Category", InstalledProgram.Trait)]
public sealed class LabelledDataTests(AdminSiteFactory site) : IClassFixture<AdminSiteFactory>
{
    private static readonly QuestionnaireDefinition Questionnaire = ShippedQuestionnaires.Newest;
    private static readonly string[] Keys = [.. Questionnaire.ChoiceKeys];

    /// <summary>Free texts that a careless program would break: quotes, commas, Swedish letters, formulas, a line break.</summary>
    public static readonly string?[] FreeTexts =
    [
        "Åsa på kontoret: \"mer tid\", tack – öppna data!",
        "=HYPERLINK(\"http://evil.example\",\"klicka\")",
        null,
        "+46 70 123 45 67; @ledningen",
        "Första raden\nandra raden",
    ];

    /// <summary>Respondents answering through the survey form: every value of the scale, "don't know" included.</summary>
    internal static async Task AnswerAsync(AdminSiteFactory site, string slug)
    {
        await site.CreateRoundAsync(slug);
        for (var person = 0; person < FreeTexts.Length; person++)
        {
            var answers = new Dictionary<string, string>();
            for (var k = 0; k < Keys.Length; k++)
            {
                var background = Questionnaire.Background.FirstOrDefault(b => b.Key == Keys[k]);
                answers[Keys[k]] = background is null
                    ? ((person + k) % 6).ToString(CultureInfo.InvariantCulture)
                    : background.Options[person % background.Options.Count].Value.ToString(CultureInfo.InvariantCulture);
            }
            if (FreeTexts[person] is { } text)
            {
                answers[Questionnaire.FreeText.Key] = text;
            }
            using var response = await SurveyJourneyTests.AnswerAsync(site.Browser(), slug, answers);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }
    }

    /// <summary>The stored responses of the round, in export order, as the database holds them.</summary>
    internal static async Task<List<Response>> StoredAsync(AdminSiteFactory site, string slug)
    {
        await using var db = site.Db();
        var round = await db.Rounds.SingleAsync(r => r.Slug == slug);
        return await db.Responses.AsNoTracking().Include(r => r.Answers).Where(r => r.RoundId == round.Id).OrderBy(r => r.Id).ToListAsync();
    }

    /// <summary>A free-text answer as the CSV holds it: on one line, and a leading formula character made harmless.</summary>
    internal static string CsvText(string? stored) =>
        ResponseExport.OneLine(stored) is { Length: > 0 } text && "=+-@".Contains(text[0], StringComparison.Ordinal) ? "'" + text : ResponseExport.OneLine(stored) ?? "";

    private async Task<string> DownloadAsync(HttpClient browser, string slug, string folder, string file)
    {
        using var response = await browser.GetAsync($"/admin/rounds/{slug}/{file}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var name = response.Content.Headers.ContentDisposition?.FileName?.Trim('"');
        Assert.Equal($"{slug}-{file}", name);
        await File.WriteAllBytesAsync(Path.Combine(folder, name!), await response.Content.ReadAsByteArrayAsync());
        Assert.Contains(await site.AuditAsync(), a => a.Action == AuditAction.Download && a.Detail == $"{slug}/{file}");
        return name!;
    }

    [Fact]
    public async Task PSPP_opens_the_responses_with_every_variable_label_value_label_and_dont_know_as_missing()
    {
        const string slug = "labelled-pspp";
        await AnswerAsync(site, slug);
        var browser = await site.SignedInAsync(slug);
        var folder = InstalledProgram.Folder();
        await DownloadAsync(browser, slug, folder, "responses.csv");
        var syntax = await DownloadAsync(browser, slug, folder, "responses.sps");
        Assert.Contains($"{Questionnaire.Key} version {Questionnaire.Version}", await File.ReadAllTextAsync(Path.Combine(folder, syntax)), StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(folder, "check.sps"), $"""
            INSERT FILE='{syntax}' ENCODING='UTF-8'.
            DISPLAY DICTIONARY.
            SAVE TRANSLATE /OUTFILE='read-by-pspp.csv' /TYPE=CSV /FIELDNAMES /REPLACE.

            """);

        var output = await InstalledProgram.RunOkAsync("pspp", folder, "-o", "dictionary.csv", "check.sps");

        var dictionary = await File.ReadAllTextAsync(Path.Combine(folder, "dictionary.csv"));
        Assert.DoesNotContain("error", dictionary + output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("warning", dictionary + output, StringComparison.OrdinalIgnoreCase);
        // PSPP's CSV output: one table after another, each headed "Table: …", with a blank line between them.
        var tables = dictionary.ReplaceLineEndings("\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(t => t[..t.IndexOf('\n', StringComparison.Ordinal)], t => CsvTable.Lines(System.Text.Encoding.UTF8.GetBytes(t[(t.IndexOf('\n', StringComparison.Ordinal) + 1)..])));
        var variables = tables["Table: Variables"].Skip(1).ToDictionary(v => v[0]);
        var valueLabels = new List<(string Variable, string Value, string Label)>();
        foreach (var line in tables["Table: Value Labels"].Skip(1).Where(l => l.Length == 3))
        {
            valueLabels.Add((line[0].Length > 0 ? line[0] : valueLabels[^1].Variable, line[1], line[2]));
        }
        var codebook = ResponseExport.Codebook(Questionnaire).ToList();
        Assert.Equal(codebook.Select(c => c.Column), variables.Keys);
        foreach (var entry in codebook)
        {
            var variable = variables[entry.Column];
            Assert.Equal(entry.TextSv, variable[2]);
            Assert.Equal(entry.Kind switch { "statement" => "Ordinal", "id" or "date" => "Scale", _ => "Nominal" }, variable[3]);
            Assert.Equal(entry.Kind == "statement" ? "0" : "", variable[9]);
            // Each value with its label, and "don't know" (0) marked as the user-missing value.
            Assert.Equal(
                entry.Values.Select(v => (v.Value == 0 && entry.Kind == "statement" ? "0[a]" : v.Value.ToString(CultureInfo.InvariantCulture), v.LabelSv)).Order(),
                valueLabels.Where(l => l.Variable == entry.TextSv).Select(l => (l.Value, l.Label)).Order());
        }
        Assert.Equal("SDATE10", variables["date"][7]);

        var read = CsvTable.Read(await File.ReadAllTextAsync(Path.Combine(folder, "read-by-pspp.csv")));
        var stored = await StoredAsync(site, slug);
        Assert.Equal(stored.Count, read.Count);
        for (var i = 0; i < stored.Count; i++)
        {
            Assert.Equal(stored[i].Id.ToString(CultureInfo.InvariantCulture), read[i]["id"].Trim());
            Assert.Equal(stored[i].SubmittedOn.ToString("MM/dd/yyyy", CultureInfo.InvariantCulture), read[i]["date"].Trim());
            Assert.Equal(Questionnaire.Version.ToString(CultureInfo.InvariantCulture), read[i][ResponseExport.VersionColumn].Trim());
            foreach (var answer in stored[i].Answers)
            {
                Assert.Equal(answer.Value.ToString(CultureInfo.InvariantCulture), read[i][answer.QuestionKey].Trim());
            }
            var freeText = CsvText(stored[i].FreeText);
            Assert.Equal(freeText, read[i][Questionnaire.FreeText.Key].TrimEnd());
        }
    }

    [Fact]
    public async Task R_reads_the_responses_as_labelled_factors_ordered_for_the_scale_with_dont_know_as_NA()
    {
        const string slug = "labelled-r";
        await AnswerAsync(site, slug);
        var browser = await site.SignedInAsync(slug);
        var folder = InstalledProgram.Folder();
        await DownloadAsync(browser, slug, folder, "responses.csv");
        var script = await DownloadAsync(browser, slug, folder, "responses.R");
        await File.WriteAllTextAsync(Path.Combine(folder, "check.R"), $$"""
            source("{{script}}")
            values <- data.frame(lapply(responses, as.character), check.names = FALSE)
            utils::write.csv(values, "read-by-r.csv", row.names = FALSE, na = "<NA>", fileEncoding = "UTF-8")
            columns <- data.frame(
              column = names(responses),
              class = vapply(responses, function(c) paste(class(c), collapse = " "), ""),
              label = vapply(responses, function(c) attr(c, "label"), ""),
              levels = vapply(responses, function(c) paste(levels(c), collapse = "|"), ""))
            utils::write.csv(columns, "columns.csv", row.names = FALSE, fileEncoding = "UTF-8")
            cat(attr(responses, "questionnaire"))

            """);

        var output = await InstalledProgram.RunOkAsync("Rscript", folder, "--vanilla", "check.R");

        Assert.Equal($"{Questionnaire.Key} {Questionnaire.Version}", output.Trim());
        var columns = CsvTable.Read(await File.ReadAllTextAsync(Path.Combine(folder, "columns.csv")));
        var codebook = ResponseExport.Codebook(Questionnaire).ToList();
        Assert.Equal(codebook.Select(c => c.Column), columns.Select(c => c["column"]));
        foreach (var (entry, column) in codebook.Zip(columns))
        {
            Assert.Equal(entry.TextSv, column["label"]);
            Assert.Equal(entry.Kind switch { "statement" => "ordered factor", "background" or "version" => "factor", "date" => "Date", "id" => "integer", _ => "character" }, column["class"]);
            var levels = entry.Values.Where(v => entry.Kind != "statement" || v.Value != QuestionnaireDefinition.DontKnowValue).Select(v => v.LabelSv);
            Assert.Equal(string.Join('|', levels), column["levels"]);
        }

        var read = CsvTable.Read(await File.ReadAllTextAsync(Path.Combine(folder, "read-by-r.csv")));
        var stored = await StoredAsync(site, slug);
        Assert.Equal(stored.Count, read.Count);
        var labels = codebook.ToDictionary(c => c.Column, c => c.Values.ToDictionary(v => v.Value, v => v.LabelSv));
        for (var i = 0; i < stored.Count; i++)
        {
            Assert.Equal(stored[i].Id.ToString(CultureInfo.InvariantCulture), read[i]["id"]);
            Assert.Equal(stored[i].SubmittedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), read[i]["date"]);
            Assert.Equal($"{Questionnaire.Key} version {Questionnaire.Version}", read[i][ResponseExport.VersionColumn]);
            foreach (var answer in stored[i].Answers)
            {
                var isStatement = Questionnaire.Statements.Any(s => s.Key == answer.QuestionKey);
                Assert.Equal(isStatement && answer.Value == QuestionnaireDefinition.DontKnowValue ? "<NA>" : labels[answer.QuestionKey][answer.Value], read[i][answer.QuestionKey]);
            }
            Assert.Equal(stored[i].FreeText is null ? "<NA>" : CsvText(stored[i].FreeText), read[i][Questionnaire.FreeText.Key]);
        }
        Assert.Contains(read, r => r["lead_drive"] == "<NA>");
    }

    /// <summary>Every sheet of a workbook as LibreOffice Calc reads it, converted headless to CSV (UTF-8, values as shown).</summary>
    internal static async Task<Dictionary<string, List<string[]>>> SheetsAsync(string folder, string workbook)
    {
        var output = Path.Combine(folder, "sheets");
        // Comma, double quote, UTF-8, from line 1; cells as shown, not their formulas; -1: every sheet into its own file.
        await InstalledProgram.RunOkAsync("soffice", folder, "--headless", "--norestore", "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1", "--outdir", output, workbook);
        var stem = Path.GetFileNameWithoutExtension(workbook);
        return Directory.GetFiles(output, $"{stem}-*.csv").ToDictionary(
            f => Path.GetFileNameWithoutExtension(f)[(stem.Length + 1)..],
            f => CsvTable.Lines(File.ReadAllBytes(f)));
    }

    [Fact]
    public async Task The_workbook_opens_in_LibreOffice_with_the_same_values_as_the_CSV_and_free_text_never_a_formula()
    {
        const string slug = "labelled-xlsx";
        await AnswerAsync(site, slug);
        var browser = await site.SignedInAsync(slug);
        var folder = InstalledProgram.Folder();
        var csv = CsvTable.Lines(await File.ReadAllBytesAsync(Path.Combine(folder, await DownloadAsync(browser, slug, folder, "responses.csv"))));
        var codebookCsv = CsvTable.Lines(await File.ReadAllBytesAsync(Path.Combine(folder, await DownloadAsync(browser, slug, folder, "codebook.csv"))));
        var workbook = await DownloadAsync(browser, slug, folder, "responses.xlsx");

        var sheets = await SheetsAsync(folder, workbook);

        Assert.Equal(["Kodbok", "Om filen", "Svar"], sheets.Keys.Order(StringComparer.Ordinal));
        var cover = sheets["Om filen"];
        Assert.Equal($"Omgång {slug}", cover[0][0]);
        Assert.Contains(cover, line => line[0] == "Version av enkäten" && line[1] == $"{Questionnaire.Key} version {Questionnaire.Version}");
        Assert.Contains(cover, line => line[0] == "Antal svar" && line[1] == FreeTexts.Length.ToString(CultureInfo.InvariantCulture));
        Assert.Contains(cover, line => line[0].Contains("fritextsvar", StringComparison.Ordinal) && line[0].Contains("aldrig publiceras", StringComparison.Ordinal));

        var data = sheets["Svar"];
        Assert.Equal(csv.Count, data.Count);
        Assert.Equal(csv[0], data[0]);
        var stored = await StoredAsync(site, slug);
        for (var i = 1; i < csv.Count; i++)
        {
            // Codes, ids and dates are the CSV's, cell by cell; the free text is the answer exactly as stored.
            Assert.Equal(csv[i][..^1], data[i][..^1]);
            Assert.Equal(stored[i - 1].FreeText ?? "", data[i][^1].ReplaceLineEndings("\n"));
        }
        Assert.Contains(data, line => line[^1] == "=HYPERLINK(\"http://evil.example\",\"klicka\")");
        Assert.Equal(codebookCsv, sheets["Kodbok"]);
    }
}
