using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using CsvHelper;
using HejSurvey.Web.Data;
using HejSurvey.Web.Site;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace HejSurvey.Web.Admin;

/// <summary>
/// The raw responses of a round, one row per response and one column per question key, streamed straight from a
/// database cursor: responses joined with their answers in response order, pivoted one response at a time, so memory
/// stays flat however many responses there are. Every download is audited before the first byte is sent.
/// </summary>
public static class ResponseExport
{
    private const string IdColumn = "id";
    private const string DateColumn = "date";

    /// <summary>
    /// The questionnaire version every row was answered on: the same in every row of one round, but the files of rounds
    /// on different versions can be stacked and still tell which wording each answer had (the codebook names both).
    /// </summary>
    public const string VersionColumn = "questionnaire_version";

    private static readonly CsvWriterOptions Csv = CsvWriterOptions.Default with
    {
        // Excel only reads Swedish letters right from UTF-8 when the file starts with a byte order mark.
        WriteByteOrderMark = true,
        // Free text such as "=HYPERLINK(…)" must open as text, not run as a formula.
        Injection = CsvInjection.Escape,
    };

    public static async Task<IResult> CsvAsync(string slug, HttpContext context, SurveyDb db, SurveyConnection database, QuestionnaireCatalog catalog, TimeProvider clock)
    {
        if (await StartAsync(slug, "responses.csv", context, db, catalog, clock) is not var (round, questionnaire))
        {
            return Results.NotFound();
        }
        SetDownload(context, "text/csv; charset=utf-8", $"{slug}-responses.csv");
        var columns = Columns(questionnaire);
        await using var csv = CsvWriter.Create(context.Response.Body, Csv, leaveOpen: true);
        csv.WriteHeader(columns);
        await foreach (var response in ReadAsync(db, database, round, questionnaire, context.RequestAborted))
        {
            csv.WriteField(response.Id, default);
            csv.WriteField(response.Date);
            csv.WriteField(questionnaire.Version, default);
            foreach (var value in response.Values)
            {
                csv.WriteField(value, default);
            }
            csv.WriteField(OneLine(response.FreeText));
            await csv.EndRecordAsync(context.RequestAborted);
        }
        await csv.FlushAsync(context.RequestAborted);
        return Results.Empty;
    }

    public static async Task<IResult> JsonAsync(string slug, HttpContext context, SurveyDb db, SurveyConnection database, QuestionnaireCatalog catalog, TimeProvider clock)
    {
        if (await StartAsync(slug, "responses.json", context, db, catalog, clock) is not var (round, questionnaire))
        {
            return Results.NotFound();
        }
        SetDownload(context, "application/json; charset=utf-8", $"{slug}-responses.json");
        var keys = questionnaire.ChoiceKeys.ToArray();
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("round", round.Slug);
        json.WriteString("questionnaire", questionnaire.Key);
        json.WriteNumber("version", questionnaire.Version);
        json.WriteStartArray("responses");
        await foreach (var response in ReadAsync(db, database, round, questionnaire, context.RequestAborted))
        {
            json.WriteStartObject();
            json.WriteNumber(IdColumn, response.Id);
            json.WriteString(DateColumn, response.Date);
            for (var i = 0; i < keys.Length; i++)
            {
                if (response.Values[i] is { } value)
                {
                    json.WriteNumber(keys[i], value);
                }
                else
                {
                    json.WriteNull(keys[i]);
                }
            }
            json.WriteString(questionnaire.FreeText.Key, response.FreeText);
            json.WriteEndObject();
            if (json.BytesPending > 32 * 1024)
            {
                await json.FlushAsync(context.RequestAborted);
            }
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
        return Results.Empty;
    }

    public static async Task<IResult> CodebookCsvAsync(string slug, HttpContext context, SurveyDb db, QuestionnaireCatalog catalog, TimeProvider clock)
    {
        if (await StartAsync(slug, "codebook.csv", context, db, catalog, clock) is not var (_, questionnaire))
        {
            return Results.NotFound();
        }
        SetDownload(context, "text/csv; charset=utf-8", $"{slug}-codebook.csv");
        await using var csv = CsvWriter.Create(context.Response.Body, Csv, leaveOpen: true);
        csv.WriteHeader(["column", "kind", "theme", "text_sv", "text_en", "value", "label_sv", "label_en"]);
        foreach (var entry in Codebook(questionnaire))
        {
            if (entry.Values.Count == 0)
            {
                csv.WriteRecord([entry.Column, entry.Kind, entry.Theme, entry.TextSv, entry.TextEn, null, null, null]);
            }
            foreach (var value in entry.Values)
            {
                csv.WriteField(entry.Column);
                csv.WriteField(entry.Kind);
                csv.WriteField(entry.Theme);
                csv.WriteField(entry.TextSv);
                csv.WriteField(entry.TextEn);
                csv.WriteField(value.Value, default);
                csv.WriteField(value.LabelSv);
                csv.WriteField(value.LabelEn);
                csv.EndRecord();
            }
        }
        await csv.FlushAsync(context.RequestAborted);
        return Results.Empty;
    }

    public static async Task<IResult> CodebookJsonAsync(string slug, HttpContext context, SurveyDb db, QuestionnaireCatalog catalog, TimeProvider clock)
    {
        if (await StartAsync(slug, "codebook.json", context, db, catalog, clock) is not var (_, questionnaire))
        {
            return Results.NotFound();
        }
        SetDownload(context, "application/json; charset=utf-8", $"{slug}-codebook.json");
        await JsonSerializer.SerializeAsync(context.Response.Body, Codebook(questionnaire), JsonSerializerOptions.Web, context.RequestAborted);
        return Results.Empty;
    }

    /// <summary>
    /// A script that labels the round's responses.csv for another program (SPSS syntax, R): audited as a download like
    /// the data itself, written whole since it holds no response, only the questionnaire's labels.
    /// </summary>
    /// <remarks>A lambda rather than a Func, so that the route sees its parameters' names (slug).</remarks>
    public static Delegate Script(string file, Func<string, QuestionnaireDefinition, string, IStringLocalizer<Text>, string> write) =>
        async Task<IResult> (string slug, HttpContext context, SurveyDb db, QuestionnaireCatalog catalog, TimeProvider clock, IStringLocalizer<Text> text) =>
        {
            if (await StartAsync(slug, file, context, db, catalog, clock) is not var (round, questionnaire))
            {
                return Results.NotFound();
            }
            SetDownload(context, "text/plain; charset=utf-8", $"{slug}-{file}");
            await context.Response.WriteAsync(write(round.Slug, questionnaire, SiteLocalization.Language, text), context.RequestAborted);
            return Results.Empty;
        };

    /// <summary>
    /// A free-text answer on one line: SPSS and PSPP read a CSV line by line, even inside quotes, so a line break in an
    /// answer would cut the response in two for them. The JSON and the workbook keep the answer as written.
    /// </summary>
    public static string? OneLine(string? freeText) =>
        freeText is not null && freeText.AsSpan().IndexOfAny('\r', '\n') >= 0 ? freeText.ReplaceLineEndings(" ") : freeText;

    /// <summary>The columns of the export, in questionnaire order: id, date, questionnaire version, statements, background questions, free text.</summary>
    public static string[] Columns(QuestionnaireDefinition questionnaire) =>
        [IdColumn, DateColumn, VersionColumn, .. questionnaire.ChoiceKeys, questionnaire.FreeText.Key];

    public sealed record CodebookValue(int Value, string LabelSv, string LabelEn);

    public sealed record CodebookEntry(string Column, string Kind, string? Theme, string TextSv, string TextEn, IReadOnlyList<CodebookValue> Values);

    /// <summary>What each column of the export means, with the label of every value, in both languages.</summary>
    public static IEnumerable<CodebookEntry> Codebook(QuestionnaireDefinition questionnaire)
    {
        yield return new CodebookEntry(IdColumn, "id", null, "Svarets löpnummer", "Sequence number of the response", []);
        yield return new CodebookEntry(DateColumn, "date", null, "Datum då svaret lämnades (svensk tid, ÅÅÅÅ-MM-DD)", "Date the response was given (Swedish time, YYYY-MM-DD)", []);
        var version = questionnaire.Version.ToString(CultureInfo.InvariantCulture);
        yield return new CodebookEntry(VersionColumn, "version", null,
            $"Versionen av enkäten {questionnaire.Key} som svaret gavs på", $"The version of the questionnaire {questionnaire.Key} the response was given on",
            [new CodebookValue(questionnaire.Version, $"{questionnaire.Key} version {version}", $"{questionnaire.Key} version {version}")]);
        CodebookValue[] scale = [.. questionnaire.Scale.Append(questionnaire.DontKnow).Select(o => new CodebookValue(o.Value, o.Text.Sv, o.Text.En))];
        foreach (var theme in questionnaire.Themes)
        {
            foreach (var statement in theme.Statements)
            {
                yield return new CodebookEntry(statement.Key, "statement", theme.Key, statement.Text.Sv, statement.Text.En, scale);
            }
        }
        foreach (var question in questionnaire.Background)
        {
            yield return new CodebookEntry(question.Key, "background", null, question.Text.Sv, question.Text.En,
                [.. question.Options.Select(o => new CodebookValue(o.Value, o.Text.Sv, o.Text.En))]);
        }
        yield return new CodebookEntry(questionnaire.FreeText.Key, "free-text", null, questionnaire.FreeText.Text.Sv, questionnaire.FreeText.Text.En, []);
    }

    /// <summary>
    /// One response as exported: <see cref="Values"/> follows <see cref="QuestionnaireDefinition.ChoiceKeys"/>; the array
    /// is reused for the next response. A struct, so that a million responses are not a million objects for the
    /// garbage collector: a full export allocates next to nothing per response, and the heap does not grow with it.
    /// </summary>
    public readonly record struct ExportedResponse(long Id, string Date, int?[] Values, string? FreeText);

    /// <summary>
    /// Streams the responses of a round with their answers pivoted into the questionnaire's column order. One cursor
    /// over a join ordered by response id, on its own connection (on SQLite's WAL, submissions go on while it reads).
    /// </summary>
    public static async IAsyncEnumerable<ExportedResponse> ReadAsync(
        SurveyDb db, SurveyConnection database, Round round, QuestionnaireDefinition questionnaire,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var keys = questionnaire.ChoiceKeys.ToArray();
        await using DbConnection connection = db is PostgresSurveyDb ? new Npgsql.NpgsqlConnection(db.Database.GetConnectionString()) : (DbConnection)database.Open();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync(cancellationToken);
        }
        await using var command = connection.CreateCommand();
        // The database turns each question key into its column number, so no string is made per answer row.
        var column = string.Concat(keys.Select((_, i) => $" WHEN @k{i} THEN {i}"));
        // Each row: the response's id, its date as a day number and as text, the free text, the answer's column, the answer.
        if (db is PostgresSurveyDb)
        {
            command.CommandText = $"""
                SELECT r."Id", (r."SubmittedOn" - DATE '1970-01-01')::bigint, to_char(r."SubmittedOn", 'YYYY-MM-DD'), r."FreeText", CASE a."QuestionKey"{column} END, a."Value"
                FROM "Responses" AS r LEFT JOIN "Answers" AS a ON a."ResponseId" = r."Id"
                WHERE r."RoundId" = @round
                ORDER BY r."Id"
                """;
        }
        else
        {
            // The export reads each page once, from start to end: a page cache would only hold pages that are never
            // read again. 256 KB instead of SQLite's 2 MB default.
            command.CommandText = "PRAGMA cache_size=-256;";
            await command.ExecuteNonQueryAsync(cancellationToken);
            // NOT INDEXED: through the RoundId index SQLite would sort every answer row in a temporary B-tree before
            // sending the first; walking the table in its own (Id) order needs no sort, so rows stream as they are read.
            command.CommandText = $"""
                SELECT r.Id, unixepoch(r.SubmittedOn), r.SubmittedOn, r.FreeText, CASE a.QuestionKey{column} END, a.Value
                FROM Responses AS r NOT INDEXED LEFT JOIN Answers AS a ON a.ResponseId = r.Id
                WHERE r.RoundId = @round
                ORDER BY r.Id
                """;
        }
        for (var i = 0; i < keys.Length; i++)
        {
            command.Parameters.Add(Parameter(command, $"@k{i}", keys[i]));
        }
        command.Parameters.Add(Parameter(command, "@round", round.Id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var values = new int?[keys.Length];
        ExportedResponse? current = null;
        // The responses of a round fall on a few dozen dates, numbered by day: each date's text is made once, not once
        // per response.
        var dates = new Dictionary<long, string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetInt64(0);
            if (current?.Id != id)
            {
                if (current is { } done)
                {
                    yield return done;
                }
                Array.Clear(values);
                string? date;
                if (reader.IsDBNull(1))
                {
                    date = reader.GetString(2);
                }
                else if (!dates.TryGetValue(reader.GetInt64(1), out date))
                {
                    date = reader.GetString(2);
                    dates.Add(reader.GetInt64(1), date);
                }
                current = new ExportedResponse(id, date, values, reader.IsDBNull(3) ? null : reader.GetString(3));
            }
            if (!reader.IsDBNull(4))
            {
                values[reader.GetInt32(4)] = reader.GetInt32(5);
            }
        }
        if (current is { } last)
        {
            yield return last;
        }
    }

    private static DbParameter Parameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        return parameter;
    }

    /// <summary>Finds the round and its questionnaire and audits the download; null when there is no such round.</summary>
    internal static async Task<(Round Round, QuestionnaireDefinition Questionnaire)?> StartAsync(
        string slug, string file, HttpContext context, SurveyDb db, QuestionnaireCatalog catalog, TimeProvider clock)
    {
        var round = await db.Rounds.AsNoTracking().SingleOrDefaultAsync(r => r.Slug == slug, context.RequestAborted);
        if (round is null)
        {
            return null;
        }
        var questionnaire = await catalog.GetAsync(round.QuestionnaireId, context.RequestAborted);
        db.Audit(clock.GetUtcNow().UtcDateTime, context.User.AdminName(), AuditAction.Download, $"{slug}/{file}");
        await db.SaveChangesAsync(context.RequestAborted);
        return (round, questionnaire);
    }

    internal static void SetDownload(HttpContext context, string contentType, string fileName)
    {
        context.Response.ContentType = contentType;
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        context.Response.Headers.CacheControl = "no-store";
    }
}
