using System.Globalization;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.Extensions.Localization;
using SpreadCheetah;
using Cell = SpreadCheetah.Cell;
using SheetCell = DocumentFormat.OpenXml.Spreadsheet.Cell;

namespace HejSurvey.Web.Survey;

/// <summary>
/// A questionnaire version as an XLSForm, the spreadsheet form standard of ODK and KoboToolbox, and such a form read
/// back. Only what this site can ask has a place in it: a theme is a <c>begin_group</c>, a statement a
/// <c>select_one</c> of the scale list (with "don't know" as the choice of code 0), a background question a
/// <c>select_one</c> outside the groups, the free text a <c>text</c> with its limit as a <c>string-length</c>
/// constraint. Everything else a form can hold (other types, repeats, skip logic, calculations) is refused by row and
/// column, because the survey form would silently ask something else than the file says.
/// </summary>
public static partial class QuestionnaireXlsForm
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>The list of the five steps and "don't know"; a background question's list is its key with this suffix, so the two never meet.</summary>
    public const string ScaleList = "scale";

    public const string OptionsSuffix = "_options";

    /// <summary>The name of the note that carries the introduction in the file the site writes; an import takes any name.</summary>
    public const string IntroductionName = "introduction";

    /// <summary>The language columns, named as the XLSForm standard asks: a language name and its code in brackets.</summary>
    public const string Swedish = "Svenska (sv)";

    public const string English = "English (en)";

    /// <summary>More rows than a questionnaire within the rules can need (200 statements, 20 themes of two group rows, the choices).</summary>
    public const int MaxRows = 1000;

    public const int MaxColumns = 64;

    public static async Task WriteAsync(QuestionnaireDefinition questionnaire, Stream stream, IStringLocalizer<Text> text, CancellationToken cancellationToken)
    {
        await using var workbook = await Spreadsheet.CreateNewAsync(stream, new SpreadCheetahOptions
        {
            DocumentProperties = new() { Title = questionnaire.Title.Sv, Author = null },
        }, cancellationToken);

        await workbook.StartWorksheetAsync("survey", token: cancellationToken);
        await workbook.AddHeaderRowAsync(
            ["type", "name", Column("label", Swedish), Column("label", English), Column("hint", Swedish), Column("hint", English), "required",
                "constraint", Column("constraint_message", Swedish), Column("constraint_message", English), Column("breakdown", Swedish), Column("breakdown", English)],
            token: cancellationToken);
        // XLSForm's note, a text shown and not asked, carries the introduction, first and outside the groups.
        if (questionnaire.Introduction is { } introduction)
        {
            await workbook.AddRowAsync(Row("note", IntroductionName, introduction), cancellationToken);
        }
        foreach (var theme in questionnaire.Themes)
        {
            await workbook.AddRowAsync(Row("begin_group", theme.Key, theme.Title), cancellationToken);
            foreach (var statement in theme.Statements)
            {
                await workbook.AddRowAsync(Row($"select_one {ScaleList}", statement.Key, statement.Text, required: "yes"), cancellationToken);
            }
            await workbook.AddRowAsync(Row("end_group", theme.Key, null), cancellationToken);
        }
        foreach (var question in questionnaire.Background)
        {
            await workbook.AddRowAsync(Row($"select_one {question.Key}{OptionsSuffix}", question.Key, question.Text, required: "yes", breakdown: question.Breakdown), cancellationToken);
        }
        var free = questionnaire.FreeText;
        var limit = new LocalizedText(
            text.InCulture("sv-SE", "Svaret får ha högst {0} tecken.", free.MaxLength),
            text.InCulture("en", "Svaret får ha högst {0} tecken.", free.MaxLength));
        await workbook.AddRowAsync(Row("text", free.Key, free.Text, free.Hint, "no", $"string-length(.) <= {free.MaxLength.ToString(CultureInfo.InvariantCulture)}", limit), cancellationToken);

        await workbook.StartWorksheetAsync("choices", token: cancellationToken);
        await workbook.AddHeaderRowAsync(["list_name", "name", Column("label", Swedish), Column("label", English)], token: cancellationToken);
        foreach (var option in questionnaire.Scale.Append(questionnaire.DontKnow))
        {
            await workbook.AddRowAsync(Choice(ScaleList, option), cancellationToken);
        }
        foreach (var question in questionnaire.Background)
        {
            foreach (var option in question.Options)
            {
                await workbook.AddRowAsync(Choice(question.Key + OptionsSuffix, option), cancellationToken);
            }
        }

        await workbook.StartWorksheetAsync("settings", token: cancellationToken);
        await workbook.AddHeaderRowAsync(["form_title", Column("form_title", English), "form_id", "version", "default_language"], token: cancellationToken);
        await workbook.AddRowAsync([new(questionnaire.Title.Sv), new(questionnaire.Title.En), new(questionnaire.Key), new(questionnaire.Version.ToString(CultureInfo.InvariantCulture)), new(Swedish)], cancellationToken);
        await workbook.FinishAsync(cancellationToken);
    }

    private static string Column(string name, string language) => $"{name}::{language}";

    private static Cell[] Row(string type, string name, LocalizedText? label, LocalizedText? hint = null, string? required = null, string? constraint = null,
        LocalizedText? constraintMessage = null, LocalizedText? breakdown = null) =>
        [new(type), new(name), new(label?.Sv), new(label?.En), new(hint?.Sv), new(hint?.En), new(required), new(constraint),
            new(constraintMessage?.Sv), new(constraintMessage?.En), new(breakdown?.Sv), new(breakdown?.En)];

    private static Cell[] Choice(string list, ChoiceOption option) =>
        [new(list), new(option.Value.ToString(CultureInfo.InvariantCulture)), new(option.Text.Sv), new(option.Text.En)];

    /// <summary>The text of a resource in a given language, whatever the request's language is: the file carries both.</summary>
    private static string InCulture(this IStringLocalizer<Text> text, string culture, string name, params object[] arguments)
    {
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
            return text[name, arguments].Value;
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    /// <summary>
    /// The definition in an uploaded XLSForm, or null with every problem found. The upload has passed
    /// <see cref="WorkbookUpload.Check"/> (sizes, entries, no DTD) before this opens it.
    /// </summary>
    public static (QuestionnaireDefinition? Definition, List<QuestionnaireProblem> Problems) Read(byte[] file, IStringLocalizer<Text> text)
    {
        Dictionary<string, Sheet> sheets;
        try
        {
            sheets = ReadSheets(file);
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or InvalidDataException or IOException or System.Xml.XmlException or FormatException or InvalidOperationException or ArgumentException or NotSupportedException or OverflowException)
        {
            return (null, [new("file", text["Filen är en zip-fil men ingen arbetsbok i formatet xlsx."])]);
        }
        catch (SheetTooLargeException ex)
        {
            return (null, [new(ex.Sheet, text["Bladet {0} har fler än {1} rader eller {2} kolumner: så stor är ingen enkät.", ex.Sheet, MaxRows, MaxColumns])]);
        }
        var problems = new List<QuestionnaireProblem>();
        foreach (var required in new[] { "survey", "choices", "settings" })
        {
            if (!sheets.ContainsKey(required))
            {
                problems.Add(new(required, text["Arbetsboken saknar bladet ”{0}”. Den har bladen {1}.", required, string.Join(", ", sheets.Keys.Select(k => $"”{k}”"))]));
            }
        }
        if (problems.Count > 0)
        {
            return (null, problems);
        }
        var form = new FormReader(sheets, text, problems);
        var definition = form.Read();
        if (definition is null || problems.Count > 0)
        {
            return (null, problems);
        }
        var broken = QuestionnaireRules.Check(definition, text);
        // The rules speak in JSON paths; each is also given the row it came from, where the admin will look for it.
        return broken.Count > 0 ? (null, broken.Select(p => p with { Path = form.Locate(p.Path) }).ToList()) : (definition, []);
    }

    private sealed class SheetTooLargeException(string sheet) : Exception(sheet)
    {
        public string Sheet { get; } = sheet;
    }

    /// <summary>A sheet as its header and rows of cell texts by header name, with each row's number in the sheet.</summary>
    private sealed record Sheet(string Name, List<(string Header, int Column)> Headers, List<(int Number, Dictionary<string, string> Cells)> Rows);

    private static Dictionary<string, Sheet> ReadSheets(byte[] file)
    {
        using var stream = new MemoryStream(file, writable: false);
        using var document = SpreadsheetDocument.Open(stream, false, new OpenSettings { MaxCharactersInPart = WorkbookUpload.MaxEntryBytes });
        var workbookPart = document.WorkbookPart ?? throw new InvalidDataException("No workbook part.");
        var shared = workbookPart.SharedStringTablePart?.SharedStringTable?.Elements<SharedStringItem>().Select(i => i.InnerText).ToList() ?? [];
        var sheets = new Dictionary<string, Sheet>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in workbookPart.Workbook?.Sheets?.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>() ?? [])
        {
            var name = entry.Name?.Value?.Trim() ?? "";
            if (entry.Id?.Value is not { } id || workbookPart.GetPartById(id) is not WorksheetPart part || sheets.ContainsKey(name))
            {
                continue;
            }
            sheets[name] = ReadSheet(name, part, shared);
        }
        return sheets;
    }

    private static Sheet ReadSheet(string name, WorksheetPart part, List<string> shared)
    {
        var headers = new List<(string, int)>();
        var rows = new List<(int, Dictionary<string, string>)>();
        using var reader = OpenXmlReader.Create(part);
        var rowNumber = 0;
        while (reader.Read())
        {
            if (reader.ElementType != typeof(Row) || !reader.IsStartElement)
            {
                continue;
            }
            var row = (Row)reader.LoadCurrentElement()!;
            rowNumber = row.RowIndex?.Value is { } index ? (int)index : rowNumber + 1;
            if (rowNumber > MaxRows)
            {
                throw new SheetTooLargeException(name);
            }
            var cells = new Dictionary<int, string>();
            var next = 1;
            foreach (var cell in row.Elements<SheetCell>())
            {
                var column = cell.CellReference?.Value is { } reference ? ColumnNumber(reference) : next;
                next = column + 1;
                if (column > MaxColumns)
                {
                    throw new SheetTooLargeException(name);
                }
                var value = CellText(cell, shared).Trim();
                if (value.Length > 0)
                {
                    cells[column] = value;
                }
            }
            if (headers.Count == 0)
            {
                headers.AddRange(cells.OrderBy(c => c.Key).Select(c => (c.Value, c.Key)));
                continue;
            }
            var byHeader = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (header, column) in headers)
            {
                if (cells.Remove(column, out var value))
                {
                    byHeader[header] = value;
                }
            }
            // A value under no header is something the file says that nothing here would read.
            foreach (var (column, value) in cells)
            {
                byHeader[$"#{ColumnName(column)}"] = value;
            }
            if (byHeader.Count > 0)
            {
                rows.Add((rowNumber, byHeader));
            }
        }
        return new Sheet(name, headers, rows);
    }

    private static string CellText(SheetCell cell, List<string> shared)
    {
        if (cell.DataType?.Value == CellValues.InlineString)
        {
            return cell.InlineString?.InnerText ?? "";
        }
        var value = cell.CellValue?.Text ?? "";
        if (cell.DataType?.Value == CellValues.SharedString)
        {
            return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < shared.Count ? shared[i] : "";
        }
        return value;
    }

    private static int ColumnNumber(string reference)
    {
        var number = 0;
        foreach (var c in reference)
        {
            if (c is < 'A' or > 'Z')
            {
                break;
            }
            number = number * 26 + (c - 'A' + 1);
            if (number > MaxColumns)
            {
                return number;
            }
        }
        return number;
    }

    private static string ColumnName(int column)
    {
        var name = "";
        for (; column > 0; column = (column - 1) / 26)
        {
            name = (char)('A' + (column - 1) % 26) + name;
        }
        return name;
    }

    [GeneratedRegex(@"^string-length\(\s*\.\s*\)\s*<=\s*(\d{1,6})$")]
    private static partial Regex LengthConstraint();

    [GeneratedRegex(@"^select_one\s+(\S+)$")]
    private static partial Regex SelectOne();

    /// <summary>Reads the sheets into a definition, noting every problem by sheet, row and column.</summary>
    private sealed class FormReader(Dictionary<string, Sheet> sheets, IStringLocalizer<Text> text, List<QuestionnaireProblem> problems)
    {
        /// <summary>Columns whose values make a question depend on another or compute something: none of it can be asked here.</summary>
        private static readonly string[] Logic = ["relevant", "constraint", "calculation", "choice_filter", "repeat_count", "default", "read_only", "trigger", "parameters", "appearance"];

        private static readonly HashSet<string> SurveyColumns = new(["type", "name", "label", "hint", "required", "constraint_message", "breakdown", "required_message", .. Logic], StringComparer.OrdinalIgnoreCase);

        private readonly List<(string Path, string Where)> places = [];

        private string Where(Sheet sheet, int row, string column) => text["blad {0}, rad {1}, kolumn {2}", sheet.Name, row, column].Value;

        private void Problem(string where, string message) => problems.Add(new(where, message));

        /// <summary>The rules' JSON path with the row it came from, found by the longest path the reader noted.</summary>
        public string Locate(string path)
        {
            var best = places.Where(p => path == p.Path || path.StartsWith(p.Path + ".", StringComparison.Ordinal) || path.StartsWith(p.Path + "[", StringComparison.Ordinal))
                .OrderByDescending(p => p.Path.Length).Select(p => p.Where).FirstOrDefault();
            return best is null ? path : $"{best} ({path})";
        }

        public QuestionnaireDefinition? Read()
        {
            var survey = sheets["survey"];
            var choices = sheets["choices"];
            var settings = sheets["settings"];
            CheckHeaders(survey, ["type", "name"], SurveyColumns);
            CheckHeaders(choices, ["list_name", "name"], new(["list_name", "name", "label"], StringComparer.OrdinalIgnoreCase));
            CheckHeaders(settings, ["form_id"], new(["form_title", "form_id", "version", "default_language", "style", "instance_name", "public_key", "submission_url"], StringComparer.OrdinalIgnoreCase));
            if (problems.Count > 0)
            {
                return null;
            }

            var lists = ReadChoices(choices);
            var setting = settings.Rows.FirstOrDefault();
            var key = setting.Cells?.GetValueOrDefault("form_id") ?? "";
            if (key.Length == 0)
            {
                Problem(Where(settings, 2, "form_id"), text["Enkätens nyckel saknas."]);
            }
            var title = new LocalizedText(Language(setting.Cells, "form_title", "sv") ?? setting.Cells?.GetValueOrDefault("form_title") ?? "", Language(setting.Cells, "form_title", "en") ?? "");
            places.Add(("$.key", Where(settings, setting.Number == 0 ? 2 : setting.Number, "form_id")));
            places.Add(("$.title", Where(settings, setting.Number == 0 ? 2 : setting.Number, "form_title")));

            var themes = new List<Theme>();
            var background = new List<BackgroundQuestion>();
            FreeTextQuestion? freeText = null;
            LocalizedText? introduction = null;
            (string Key, LocalizedText Title, List<Statement> Statements, int Row)? open = null;
            string? scaleList = null;
            foreach (var (number, cells) in survey.Rows)
            {
                foreach (var column in cells.Keys.Where(c => c.StartsWith('#')))
                {
                    Problem(Where(survey, number, column[1..]), text["Cellen har ett värde men ingen rubrik."]);
                }
                foreach (var column in Logic.Where(c => cells.ContainsKey(c)))
                {
                    var type0 = cells.GetValueOrDefault("type") ?? "";
                    if (column == "constraint" && type0 == "text")
                    {
                        continue;
                    }
                    Problem(Where(survey, number, column), text["Kolumnen {0} (villkor, beräkningar och visningssätt) kan den här sajten inte följa: varje fråga ställs alltid, som den står.", column]);
                }
                var type = Regex.Replace(cells.GetValueOrDefault("type") ?? "", @"\s+", " ");
                var name = cells.GetValueOrDefault("name") ?? "";
                switch (type)
                {
                    case "note":
                        if (introduction is not null || open is not null || themes.Count > 0)
                        {
                            Problem(Where(survey, number, "type"), text["En note kan bara stå först, före alla grupper: den är enkätens inledning."]);
                            break;
                        }
                        places.Add(("$.introduction", Where(survey, number, "name")));
                        introduction = Label(survey, number, cells);
                        break;
                    case "begin_group" or "begin group":
                        if (open is not null)
                        {
                            Problem(Where(survey, number, "type"), text["En grupp inne i en grupp går inte: varje grupp är ett tema."]);
                            break;
                        }
                        open = (name, Label(survey, number, cells), [], number);
                        places.Add(($"$.themes[{themes.Count}]", Where(survey, number, "name")));
                        break;
                    case "end_group" or "end group":
                        if (open is not { } theme)
                        {
                            Problem(Where(survey, number, "type"), text["end_group utan begin_group före."]);
                            break;
                        }
                        themes.Add(new Theme(theme.Key, theme.Title, theme.Statements));
                        open = null;
                        break;
                    case "text":
                        if (open is not null || freeText is not null)
                        {
                            Problem(Where(survey, number, "type"), text["Enkäten har en enda fritextfråga, efter bakgrundsfrågorna och utanför grupperna."]);
                            break;
                        }
                        Required(survey, number, cells, false);
                        var constraint = cells.GetValueOrDefault("constraint") ?? "";
                        var match = LengthConstraint().Match(Regex.Replace(constraint, @"\s+", " ").Trim());
                        if (!match.Success)
                        {
                            Problem(Where(survey, number, "constraint"), text["Fritextfrågan behöver sin längsta längd som villkoret string-length(.) <= N, och inget annat villkor."]);
                        }
                        places.Add(("$.freeText", Where(survey, number, "name")));
                        freeText = new FreeTextQuestion(name, Label(survey, number, cells), new LocalizedText(Language(cells, "hint", "sv") ?? "", Language(cells, "hint", "en") ?? ""),
                            match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0);
                        break;
                    default:
                        var select = SelectOne().Match(type);
                        if (!select.Success)
                        {
                            Problem(Where(survey, number, "type"), type.Length == 0
                                ? text["Frågetypen saknas."]
                                : text["Frågetypen ”{0}” kan den här sajten inte ställa. Här går select_one (påståenden och bakgrundsfrågor), text (fritextfrågan), begin_group och end_group (teman) och en note först (inledningen).", type]);
                            break;
                        }
                        var list = select.Groups[1].Value;
                        if (!lists.TryGetValue(list, out var options))
                        {
                            Problem(Where(survey, number, "type"), text["Listan ”{0}” finns inte på bladet choices.", list]);
                            break;
                        }
                        Required(survey, number, cells, true);
                        if (open is { } current)
                        {
                            scaleList ??= list;
                            if (list != scaleList)
                            {
                                Problem(Where(survey, number, "type"), text["Alla påståenden svarar på samma skala: här står listan ”{0}”, men det första påståendet har ”{1}”.", list, scaleList]);
                            }
                            places.Add(($"$.themes[{themes.Count}].statements[{current.Statements.Count}]", Where(survey, number, "name")));
                            current.Statements.Add(new Statement(name, Label(survey, number, cells)));
                        }
                        else
                        {
                            if (freeText is not null)
                            {
                                Problem(Where(survey, number, "type"), text["Bakgrundsfrågorna kommer före fritextfrågan."]);
                            }
                            places.Add(($"$.background[{background.Count}]", Where(survey, number, "name")));
                            var breakdown = Language(cells, "breakdown", "sv") is null && Language(cells, "breakdown", "en") is null
                                ? null
                                : new LocalizedText(Language(cells, "breakdown", "sv") ?? "", Language(cells, "breakdown", "en") ?? "");
                            background.Add(new BackgroundQuestion(name, Label(survey, number, cells), Options(choices, options), breakdown));
                        }
                        break;
                }
            }
            if (open is { } unclosed)
            {
                Problem(Where(survey, unclosed.Row, "type"), text["Gruppen ”{0}” saknar sin end_group.", unclosed.Key]);
            }
            if (freeText is null)
            {
                Problem("survey", text["Enkäten behöver en fritextfråga (typ text)."]);
            }
            if (scaleList is null)
            {
                Problem("survey", text["Enkäten behöver minst ett påstående (select_one i en grupp)."]);
            }
            if (problems.Count > 0 || freeText is null || scaleList is null)
            {
                return null;
            }

            var scale = lists[scaleList];
            var dontKnow = scale.Where(o => o.Name == QuestionnaireDefinition.DontKnowValue.ToString(CultureInfo.InvariantCulture)).ToList();
            if (dontKnow.Count != 1)
            {
                Problem("choices", text["Skalan ”{0}” behöver ”vet inte” som ett val med namnet 0.", scaleList]);
                return null;
            }
            var steps = scale.Where(o => o != dontKnow[0]).ToList();
            places.Add(("$.scale", Where(choices, steps.FirstOrDefault().Row, "list_name")));
            places.Add(("$.dontKnow", Where(choices, dontKnow[0].Row, "name")));
            var scaleOptions = Options(choices, steps);
            for (var i = 0; i < steps.Count; i++)
            {
                places.Add(($"$.scale[{i}]", Where(choices, steps[i].Row, "name")));
            }
            return problems.Count > 0 ? null : new QuestionnaireDefinition(key, 1, title, scaleOptions, Options(choices, dontKnow)[0], themes, background, freeText, introduction);
        }

        private void CheckHeaders(Sheet sheet, string[] required, HashSet<string> known)
        {
            var names = sheet.Headers.Select(h => h.Header).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var missing in required.Where(r => !names.Contains(r)))
            {
                Problem(text["blad {0}, rad {1}", sheet.Name, 1], text["Kolumnen {0} saknas.", missing]);
            }
            foreach (var (header, column) in sheet.Headers)
            {
                var bare = header.Split("::", 2)[0];
                if (!known.Contains(bare))
                {
                    Problem(Where(sheet, 1, $"{ColumnName(column)} ({header})"), text["Kolumnen {0} finns inte i det den här sajten kan läsa av XLSForm.", header]);
                }
            }
            foreach (var labelled in known.Where(k => k is "label" && sheet.Name != "settings"))
            {
                foreach (var language in new[] { "sv", "en" })
                {
                    if (!sheet.Headers.Any(h => LanguageOf(h.Header, labelled) == language))
                    {
                        Problem(text["blad {0}, rad {1}", sheet.Name, 1], text["Kolumnen {0} saknas.", Column(labelled, language == "sv" ? Swedish : English)]);
                    }
                }
            }
        }

        /// <summary>The language code of a column such as <c>label::Svenska (sv)</c> or <c>label::sv</c>, or null.</summary>
        private static string? LanguageOf(string header, string column)
        {
            var parts = header.Split("::", 2);
            if (parts.Length != 2 || !parts[0].Equals(column, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
            var language = parts[1].Trim();
            var open = language.LastIndexOf('(');
            var code = open >= 0 && language.EndsWith(')') ? language[(open + 1)..^1].Trim() : language;
            return code.ToLowerInvariant() switch
            {
                "sv" or "sv-se" => "sv",
                "en" or "en-gb" or "en-us" => "en",
                _ => null,
            };
        }

        private static string? Language(Dictionary<string, string>? cells, string column, string language) =>
            cells?.FirstOrDefault(c => LanguageOf(c.Key, column) == language).Value;

        private LocalizedText Label(Sheet sheet, int row, Dictionary<string, string> cells)
        {
            var sv = Language(cells, "label", "sv");
            var en = Language(cells, "label", "en");
            if (sv is null)
            {
                Problem(Where(sheet, row, Column("label", Swedish)), text["Texten saknas på svenska."]);
            }
            if (en is null)
            {
                Problem(Where(sheet, row, Column("label", English)), text["Texten saknas på engelska."]);
            }
            return new LocalizedText(sv ?? "", en ?? "");
        }

        private void Required(Sheet sheet, int row, Dictionary<string, string> cells, bool required)
        {
            var value = (cells.GetValueOrDefault("required") ?? "").ToLowerInvariant();
            if (required && value is not ("yes" or "true" or "true()"))
            {
                Problem(Where(sheet, row, "required"), text["Påståenden och bakgrundsfrågor är alltid obligatoriska här: skriv yes."]);
            }
            else if (!required && value is not ("" or "no" or "false" or "false()"))
            {
                Problem(Where(sheet, row, "required"), text["Fritextfrågan är alltid frivillig här: skriv no eller lämna tomt."]);
            }
        }

        private Dictionary<string, List<(string Name, LocalizedText Label, int Row)>> ReadChoices(Sheet choices)
        {
            var lists = new Dictionary<string, List<(string, LocalizedText, int)>>(StringComparer.Ordinal);
            foreach (var (number, cells) in choices.Rows)
            {
                foreach (var column in cells.Keys.Where(c => c.StartsWith('#')))
                {
                    Problem(Where(choices, number, column[1..]), text["Cellen har ett värde men ingen rubrik."]);
                }
                var list = cells.GetValueOrDefault("list_name") ?? "";
                if (list.Length == 0)
                {
                    Problem(Where(choices, number, "list_name"), text["Listans namn saknas."]);
                    continue;
                }
                if (!lists.TryGetValue(list, out var options))
                {
                    lists[list] = options = [];
                }
                options.Add((cells.GetValueOrDefault("name") ?? "", Label(choices, number, cells), number));
            }
            return lists;
        }

        /// <summary>The options as the site codes them: a choice's name is its code, 1, 2, 3 … (0 for "don't know").</summary>
        private List<ChoiceOption> Options(Sheet choices, List<(string Name, LocalizedText Label, int Row)> options)
        {
            var result = new List<ChoiceOption>();
            foreach (var (name, label, row) in options)
            {
                if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > 1000)
                {
                    Problem(Where(choices, row, "name"), text["Ett svarsalternativs namn är dess kod här: 1, 2, 3 … (0 för ”vet inte”), inte ”{0}”.", name]);
                    continue;
                }
                result.Add(new ChoiceOption(value, label));
            }
            return result;
        }
    }
}
