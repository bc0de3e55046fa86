using System.Globalization;
using HejSurvey.Web.Site;
using HejSurvey.Web.Survey;
using Microsoft.Extensions.Localization;
using SpreadCheetah;
using SpreadCheetah.Styling;
using SpreadCheetah.Worksheets;
using SheetCell = SpreadCheetah.Cell;

namespace HejSurvey.Web.OpenResults;

/// <summary>
/// data.xlsx: the same suppressed figures as data.csv, laid out the way statistics offices publish a table: the title
/// in A1, source, licence and contact on the first sheet, then one table a sheet (theme indices, statements, and each
/// breakdown), headings in the reader's language, shares as percentages with one decimal. A hidden figure shows
/// <see cref="Suppressed"/>, a figure with nothing to compute <see cref="NothingToCompute"/>; the first sheet says
/// what both mean, so no cell is ever zero or blank without an explanation.
/// </summary>
public static class ResultsWorkbook
{
    /// <summary>Statistics Sweden's symbol for a figure that is not shown because it is too uncertain or would reveal too much.</summary>
    public const string Suppressed = "..";

    /// <summary>Statistics Sweden's symbol for "nothing to report".</summary>
    public const string NothingToCompute = "–";

    public static async Task<byte[]> WriteAsync(RoundResults results, string language, string origin, ContactOptions contact, IStringLocalizer<Text> text, CancellationToken cancel)
    {
        var round = results.Round;
        var questionnaire = results.Questionnaire;
        var rows = OpenData.Rows(results).ToList();
        using var stream = new MemoryStream();
        await using (var workbook = await Spreadsheet.CreateNewAsync(stream, new SpreadCheetahOptions
        {
            DocumentProperties = new() { Title = round.Title(language), Author = contact.Organisation },
        }, cancel))
        {
            var title = workbook.AddStyle(new Style { Font = { Bold = true, Size = 14 } });
            var bold = workbook.AddStyle(new Style { Font = { Bold = true } });
            var percent = workbook.AddStyle(new Style { Format = NumberFormat.Custom("0.0%") });
            var twoDecimals = workbook.AddStyle(new Style { Format = NumberFormat.Custom("0.00") });
            var oneDecimal = workbook.AddStyle(new Style { Format = NumberFormat.Custom("0.0") });
            var right = workbook.AddStyle(new Style { Alignment = { Horizontal = HorizontalAlignment.Right } });
            var page = $"{origin}/results/{round.Slug}";

            var themesSheet = text["Temaindex"].Value;
            var statementsSheet = text["Påståenden"].Value;
            var breakdownSheets = questionnaire.Background.Select(b => (b.Key, Name: SheetName(text["Per {0}", BreakdownName(b).ToLower(CultureInfo.CurrentCulture)]))).ToList();

            await workbook.StartWorksheetAsync(text["Om tabellerna"], new WorksheetOptions().Widths(110), cancel);
            await workbook.AddRowAsync([new SheetCell(text["{0}: resultat per tema, påstående och grupp", round.Title(language)].Value, title)], cancel);
            await workbook.AddRowAsync(Array.Empty<SheetCell>(), cancel);
            await workbook.AddRowAsync([new SheetCell(text["Källa: {0}, enkäten {1} version {2}, {3}.", contact.Organisation, questionnaire.Key, questionnaire.Version, page].Value)], cancel);
            await workbook.AddRowAsync([new SheetCell(text["Licens: Creative Commons Erkännande 4.0 (CC BY 4.0), https://creativecommons.org/licenses/by/4.0/. Ange källan när du använder siffrorna."].Value)], cancel);
            await workbook.AddRowAsync([new SheetCell(text["Kontakt: {0}, {1}.", contact.Organisation, contact.Email].Value)], cancel);
            await workbook.AddRowAsync([new SheetCell(text["Svar: {0}. Period: {1}.", round.Responses, Period(round)].Value)], cancel);
            await workbook.AddRowAsync(Array.Empty<SheetCell>(), cancel);
            await workbook.AddRowAsync([new SheetCell(text["Teckenförklaring"].Value, bold)], cancel);
            await workbook.AddRowAsync([new SheetCell(text["{0} Uppgiften visas inte: gruppen har färre än {1} svarande, eller siffran skulle göra det möjligt att räkna fram en dold grupp.", Suppressed, results.MinGroupSize].Value)], cancel);
            await workbook.AddRowAsync([new SheetCell(text["{0} Inget att beräkna: inga svar på skalan (alla svarade vet inte), eller för få svar för ett intervall.", NothingToCompute].Value)], cancel);
            await workbook.AddRowAsync([new SheetCell(text["Andelen som instämmer är andelen som svarade 4 eller 5 av dem som svarade på skalan 1–5; vet inte räknas inte. Index 0–100 är medelvärdet av varje svarandes påståenden (1 = 0, 5 = 100). Intervallen är 95-procentiga konfidensintervall."].Value)], cancel);
            await workbook.AddRowAsync(Array.Empty<SheetCell>(), cancel);
            await workbook.AddRowAsync([new SheetCell(text["Tabeller"].Value, bold)], cancel);
            foreach (var sheet in breakdownSheets.Select(b => b.Name).Prepend(statementsSheet).Prepend(themesSheet))
            {
                await workbook.AddRowAsync([new SheetCell(sheet)], cancel);
            }

            SheetCell Figure(double? value, bool hidden, StyleId style) =>
                value is { } v ? new SheetCell(v, style) : new SheetCell(hidden ? Suppressed : NothingToCompute, right);
            SheetCell Count(long? value, bool hidden) =>
                value is { } v ? new SheetCell(v) : new SheetCell(hidden ? Suppressed : NothingToCompute, right);

            string[] themeHeadings = [text["Grupp"], text["Tema"], text["Index 0–100"], text["95 % KI, nedre"], text["95 % KI, övre"], text["Antal svarande (n)"]];
            static bool ThemeHidden(OpenData.Row row) => row.Group.Suppressed || row.ThemeFigures is not { Suppressed: false };
            SheetCell[] ThemeLine(OpenData.Row row) =>
            [
                new(language == "en" ? row.GroupLabelEn : row.GroupLabelSv),
                new(row.Theme.Title.In(language)),
                Figure(row.ThemeFigures?.Index?.Value, ThemeHidden(row), oneDecimal),
                Figure(row.ThemeFigures?.Index?.Low, ThemeHidden(row), oneDecimal),
                Figure(row.ThemeFigures?.Index?.High, ThemeHidden(row), oneDecimal),
                Count(row.ThemeFigures?.N, ThemeHidden(row)),
            ];
            string[] statementHeadings =
            [
                text["Grupp"], text["Tema"], text["Påstående"], text["Antal svar på skalan (n)"], text["Vet inte"],
                text["Andel som instämmer"], text["95 % KI, nedre"], text["95 % KI, övre"],
                text["Medelvärde 1–5"], text["95 % KI, nedre"], text["95 % KI, övre"],
                .. questionnaire.Scale.Select(o => text["{0} ({1})", o.Text.In(language), o.Value].Value),
            ];
            SheetCell[] StatementLine(OpenData.Row row)
            {
                var figures = row.Figures;
                // A figure is hidden with its whole group or on its own (fewer than k answers, or a complement).
                var hidden = row.Group.Suppressed || figures is not { Suppressed: false };
                return
                [
                    new(language == "en" ? row.GroupLabelEn : row.GroupLabelSv),
                    new(row.Theme.Title.In(language)),
                    new(row.Statement!.Text.In(language)),
                    Count(figures?.N, hidden),
                    Count(figures?.DontKnow, hidden),
                    Figure(figures?.Agree?.Value, hidden, percent),
                    Figure(figures?.Agree?.Low, hidden, percent),
                    Figure(figures?.Agree?.High, hidden, percent),
                    Figure(figures?.Mean?.Value, hidden, twoDecimals),
                    Figure(figures?.Mean?.Low, hidden, twoDecimals),
                    Figure(figures?.Mean?.High, hidden, twoDecimals),
                    .. questionnaire.Scale.Select(o => Count(figures?.Counts?[o.Value - QuestionnaireDefinition.ScaleMin], hidden)),
                ];
            }

            async Task TableAsync(string name, string[] headings, IEnumerable<SheetCell[]> lines, params double[] widths)
            {
                await workbook.StartWorksheetAsync(SheetName(name), new WorksheetOptions { FrozenRows = 1 }.Widths(widths), cancel);
                await workbook.AddHeaderRowAsync(headings, bold, cancel);
                foreach (var line in lines)
                {
                    await workbook.AddRowAsync(line, cancel);
                }
            }

            var everyone = rows.Where(r => r.Group.Breakdown.Length == 0).ToList();
            await TableAsync(themesSheet, themeHeadings, everyone.Where(r => r.Statement is null).Select(ThemeLine), 24, 24, 14, 14, 14, 18);
            await TableAsync(statementsSheet, statementHeadings, everyone.Where(r => r.Statement is not null).Select(StatementLine), 24, 18, 60, 14, 10, 14, 14, 14, 12, 12, 12);
            foreach (var (key, name) in breakdownSheets)
            {
                var groups = rows.Where(r => r.Group.Breakdown == key).ToList();
                await TableAsync(name, [.. statementHeadings, text["Index 0–100"], text["95 % KI, nedre"], text["95 % KI, övre"], text["Antal svarande (n)"]],
                    groups.Select(r => r.Statement is not null
                        ? [.. StatementLine(r), .. Enumerable.Repeat(new SheetCell(""), 4)]
                        : (SheetCell[])[.. ThemeLine(r)[..2], new SheetCell(text["Temaindex"].Value), .. Enumerable.Repeat(new SheetCell(""), 8 + questionnaire.Scale.Count), .. ThemeLine(r)[2..]]),
                    24, 18, 60, 14, 10, 14, 14, 14, 12, 12, 12);
            }
            await workbook.FinishAsync(cancel);
        }
        return stream.ToArray();
    }

    /// <summary>A breakdown's short name, as the results page's breakdown menu gives it.</summary>
    private static string BreakdownName(BackgroundQuestion question) => question.BreakdownName.Current;

    /// <summary>Excel allows 31 characters in a sheet's name, and none of : \ / ? * [ ].</summary>
    private static string SheetName(string name)
    {
        var clean = new string([.. name.Select(c => ":\\/?*[]".Contains(c, StringComparison.Ordinal) ? ' ' : c)]);
        return clean.Length <= 31 ? clean : clean[..31];
    }

    private static string Period(PublishedRound round)
    {
        static string Day(DateTime? utc) => utc is { } value ? SwedishTime.FromUtc(value).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "…";
        return $"{Day(round.OpenedAt)} – {Day(round.ClosedAt)}";
    }
}
