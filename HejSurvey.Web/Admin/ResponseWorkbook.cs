using System.Globalization;
using HejSurvey.Web.Data;
using HejSurvey.Web.Site;
using HejSurvey.Web.Survey;
using Microsoft.Extensions.Localization;
using SpreadCheetah;
using SpreadCheetah.Styling;
using SpreadCheetah.Worksheets;

namespace HejSurvey.Web.Admin;

/// <summary>
/// responses.xlsx: a cover sheet (round, period, questionnaire version, responses, the warning about free text), the
/// responses as codes with real numbers and dates under a frozen header row, and the codebook. Written row by row
/// straight to the response from the same cursor as the CSV, so memory stays flat. Every cell of text is a text
/// cell: a free-text answer such as "=HYPERLINK(…)" is shown as written and never becomes a formula.
/// </summary>
public static class ResponseWorkbook
{
    /// <summary>Excel's limit is 1,048,576 rows a sheet: the header and this many responses; more go on to a next sheet.</summary>
    public const int ResponsesPerSheet = 1_048_575;

    public static async Task<IResult> DownloadAsync(string slug, HttpContext context, SurveyDb db, SurveyConnection database, QuestionnaireCatalog catalog, TimeProvider clock, IStringLocalizer<Text> text)
    {
        if (await ResponseExport.StartAsync(slug, "responses.xlsx", context, db, catalog, clock) is not var (round, questionnaire))
        {
            return Results.NotFound();
        }
        ResponseExport.SetDownload(context, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"{slug}-responses.xlsx");
        context.AllowSynchronousWrites();
        var language = SiteLocalization.Language;
        var cancel = context.RequestAborted;
        await using var workbook = await Spreadsheet.CreateNewAsync(context.Response.Body, new SpreadCheetahOptions
        {
            DocumentProperties = new() { Title = round.Title(language), Author = null },
        }, cancel);
        var bold = workbook.AddStyle(new Style { Font = { Bold = true } });
        var title = workbook.AddStyle(new Style { Font = { Bold = true, Size = 14 } });
        var date = workbook.AddStyle(new Style { Format = NumberFormat.Custom("yyyy-mm-dd") });

        await workbook.StartWorksheetAsync(text["Om filen"], new WorksheetOptions().Widths(28, 80), cancel);
        await workbook.AddRowAsync([new Cell(round.Title(language), title)], cancel);
        await workbook.AddRowAsync(Array.Empty<Cell>(), cancel);
        await workbook.AddRowAsync([new Cell(text["Omgång"], bold), new Cell(round.Slug)], cancel);
        await workbook.AddRowAsync([new Cell(text["Period"], bold), new Cell(Period(round, text))], cancel);
        await workbook.AddRowAsync([new Cell(text["Version av enkäten"], bold), new Cell(text["{0} version {1}", questionnaire.Key, questionnaire.Version].Value)], cancel);
        await workbook.AddRowAsync([new Cell(text["Antal svar"], bold), new Cell(round.ResponseCount)], cancel);
        await workbook.AddRowAsync([new Cell(text["Hämtad"], bold), new Cell(SwedishTime.FromUtc(clock.GetUtcNow().UtcDateTime), date)], cancel);
        await workbook.AddRowAsync(Array.Empty<Cell>(), cancel);
        await workbook.AddRowAsync([new Cell(text["Varning: filen innehåller fritextsvar. De får aldrig publiceras eller lämnas ut med resultaten."].Value, bold)], cancel);
        await workbook.AddRowAsync([new Cell(text["Bladet {0} har ett svar per rad med koder; bladet {1} säger vad varje kolumn och varje kod betyder.", text["Svar"], text["Kodbok"]].Value)], cancel);

        var names = VariableNames.Of(questionnaire);
        var row = new Cell[names.Length];
        var sheet = 0;
        var rowsInSheet = ResponsesPerSheet;
        // The responses fall on a few dozen dates: each is parsed once.
        var dates = new Dictionary<string, DateTime>();
        await foreach (var response in ResponseExport.ReadAsync(db, database, round, questionnaire, cancel))
        {
            if (rowsInSheet == ResponsesPerSheet)
            {
                sheet++;
                await StartResponsesAsync(workbook, sheet == 1 ? text["Svar"] : text["Svar {0}", sheet], names, bold, cancel);
                rowsInSheet = 0;
            }
            if (!dates.TryGetValue(response.Date, out var day))
            {
                day = DateTime.ParseExact(response.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                dates.Add(response.Date, day);
            }
            row[0] = new Cell(response.Id);
            row[1] = new Cell(day, date);
            row[2] = new Cell(questionnaire.Version);
            for (var i = 0; i < response.Values.Length; i++)
            {
                row[i + 3] = new Cell(response.Values[i]);
            }
            row[^1] = new Cell(response.FreeText);
            await workbook.AddRowAsync(row, cancel);
            rowsInSheet++;
        }
        if (sheet == 0)
        {
            await StartResponsesAsync(workbook, text["Svar"], names, bold, cancel);
        }

        await workbook.StartWorksheetAsync(text["Kodbok"], new WorksheetOptions { FrozenRows = 1 }.Widths(18, 12, 14, 60, 60, 8, 28, 28), cancel);
        await workbook.AddHeaderRowAsync(["column", "kind", "theme", "text_sv", "text_en", "value", "label_sv", "label_en"], bold, cancel);
        var codebook = ResponseExport.Codebook(questionnaire).ToList();
        for (var c = 0; c < codebook.Count; c++)
        {
            var entry = codebook[c];
            Cell[] first = [new(names[c]), new(entry.Kind), new(entry.Theme), new(entry.TextSv), new(entry.TextEn)];
            if (entry.Values.Count == 0)
            {
                await workbook.AddRowAsync(first, cancel);
            }
            foreach (var value in entry.Values)
            {
                await workbook.AddRowAsync([.. first, new(value.Value), new(value.LabelSv), new(value.LabelEn)], cancel);
            }
        }
        await workbook.FinishAsync(cancel);
        return Results.Empty;
    }

    private static async Task StartResponsesAsync(Spreadsheet workbook, string name, string[] names, StyleId bold, CancellationToken cancel)
    {
        await workbook.StartWorksheetAsync(name, new WorksheetOptions { FrozenRows = 1 }, cancel);
        await workbook.AddHeaderRowAsync(names, bold, cancel);
    }

    private static string Period(Round round, IStringLocalizer<Text> text)
    {
        static string Day(DateTime? utc) => utc is { } value ? SwedishTime.FromUtc(value).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";
        return round.ClosedAt is null ? text["Öppnad {0}, ännu inte stängd", Day(round.OpenedAt)] : text["{0} – {1}", Day(round.OpenedAt), Day(round.ClosedAt)];
    }
}
