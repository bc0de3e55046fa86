using System.IO.Compression;
using System.Text;
using System.Text.Json;
using HejSurvey.Web.Data;
using HejSurvey.Web.Site;
using HejSurvey.Web.Survey;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace HejSurvey.Web.OpenResults;

/// <summary>
/// Open data and the JSON API: the same suppressed figures as the results page, for anyone to reuse under
/// CC BY 4.0. Unknown and unpublished rounds are 404 on every route, exactly as on the page.
/// </summary>
public static class ResultsData
{
    public sealed record RoundSummary(string Slug, string TitleSv, string TitleEn, string State, DateTime? OpenedAt, DateTime? ClosedAt, int Responses, string Page, string Results, string Csv, string DataPackage);

    public sealed record TextItem(string Key, string Sv, string En);

    public sealed record ThemeItem(string Key, string Sv, string En, IReadOnlyList<TextItem> Statements);

    public sealed record BreakdownItem(string Key, string Sv, string En, IReadOnlyList<TextItem> Groups);

    /// <summary>
    /// A round's results. Groups: everyone first (breakdown ""), then each breakdown's groups; a suppressed
    /// group has no size and no figures. Shares are 0–1, means on 1–5, indices 0–100, each with its 95 % interval.
    /// The questionnaire names the version the round asked and its breaks in series against the versions of other
    /// published rounds, which a comparison must respect.
    /// </summary>
    public sealed record ResultsDocument(
        RoundSummary Round,
        QuestionnaireVersion Questionnaire,
        int MinGroupSize,
        string Licence,
        IReadOnlyList<TextItem> Scale,
        IReadOnlyList<ThemeItem> Themes,
        IReadOnlyList<BreakdownItem> Breakdowns,
        IReadOnlyList<GroupFigures> Groups);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void MapResultsData(this WebApplication app)
    {
        app.MapOpenApi();
        var data = app.MapGroup("").CacheOutput(ResultsSetup.CachePolicy).WithTags("Open results");

        data.MapGet("/api/rounds", async (SurveyDb db, IOptions<SurveyOptions> options, CancellationToken cancellationToken) =>
                TypedResults.Ok((await RoundResults.PublishedAsync(db, options.Value.LiveStepOf(options.Value.MinGroupSize()), cancellationToken)).Select(Summary).ToList()))
            .WithSummary("Rounds with published results, newest first.");

        data.MapGet("/api/rounds/{slug}/results", async Task<Results<Ok<ResultsDocument>, NotFound>> (string slug, SurveyDb db, QuestionnaireCatalog catalog, LiveSnapshots live, IOptions<SurveyOptions> options, CancellationToken cancellationToken) =>
                await RoundResults.LoadAsync(db, catalog, live, options.Value.MinGroupSize(), slug, cancellationToken) is { } results
                    ? TypedResults.Ok(Document(results, await SeriesBreaks.OfAsync(db, catalog, results.Questionnaire, options.Value.LiveStepOf(options.Value.MinGroupSize()), cancellationToken)))
                    : TypedResults.NotFound())
            .WithSummary("A published round's results per statement, theme and group, with suppression applied.");

        data.MapGet("/results/{slug}/data.csv", async Task<Results<ContentHttpResult, NotFound>> (string slug, SurveyDb db, QuestionnaireCatalog catalog, LiveSnapshots live, IOptions<SurveyOptions> options, HttpContext context, CancellationToken cancellationToken) =>
            {
                if (await RoundResults.LoadAsync(db, catalog, live, options.Value.MinGroupSize(), slug, cancellationToken) is not { } results)
                {
                    return TypedResults.NotFound();
                }
                context.Response.Headers.ContentDisposition = $"attachment; filename=\"{slug}.csv\"";
                return TypedResults.Text(OpenData.Csv(OpenData.Rows(results)), "text/csv; charset=utf-8");
            })
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .WithSummary("The results as a CSV table, one row per group and statement or theme; described by datapackage.json.");

        data.MapGet("/results/{slug}/distribution.csv", async Task<Results<ContentHttpResult, NotFound>> (string slug, SurveyDb db, QuestionnaireCatalog catalog, LiveSnapshots live, IOptions<SurveyOptions> options, HttpContext context, CancellationToken cancellationToken) =>
            {
                if (await RoundResults.LoadAsync(db, catalog, live, options.Value.MinGroupSize(), slug, cancellationToken) is not { } results)
                {
                    return TypedResults.NotFound();
                }
                context.Response.Headers.ContentDisposition = $"attachment; filename=\"{slug}-distribution.csv\"";
                return TypedResults.Text(OpenData.Csv(OpenData.DistributionFields, OpenData.DistributionRows(results)), "text/csv; charset=utf-8");
            })
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .WithSummary("The answer counts of data.csv in long form, a row per group, statement and answer (1–5, 0 for don't know); described by datapackage.json.");

        data.MapGet("/results/{slug}/data.xlsx", async Task<Results<FileContentHttpResult, NotFound>> (string slug, SurveyDb db, QuestionnaireCatalog catalog, LiveSnapshots live, IOptions<SurveyOptions> options, IOptions<ContactOptions> contact, IStringLocalizer<Text> text, HttpContext context, CancellationToken cancellationToken) =>
            {
                if (await RoundResults.LoadAsync(db, catalog, live, options.Value.MinGroupSize(), slug, cancellationToken) is not { } results)
                {
                    return TypedResults.NotFound();
                }
                var language = SiteLocalization.Language;
                var workbook = await ResultsWorkbook.WriteAsync(results, language, PublicOrigin.For(context), contact.Value, text, cancellationToken);
                return TypedResults.File(workbook, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"{slug}.xlsx");
            })
            .Produces(StatusCodes.Status200OK, contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .WithSummary("The same figures as data.csv as a workbook: a sheet about the data, then theme indices, statements and each breakdown; headings in the requested language.");

        data.MapGet("/results/{slug}/data.json", async Task<Results<ContentHttpResult, NotFound>> (string slug, SurveyDb db, QuestionnaireCatalog catalog, LiveSnapshots live, IOptions<SurveyOptions> options, CancellationToken cancellationToken) =>
                await RoundResults.LoadAsync(db, catalog, live, options.Value.MinGroupSize(), slug, cancellationToken) is { } results
                    ? TypedResults.Text(OpenData.Json(OpenData.Rows(results)).ToJsonString(Json), "application/json; charset=utf-8")
                    : TypedResults.NotFound())
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .WithSummary("The same table as data.csv, as an array of JSON objects.");

        data.MapGet("/results/{slug}/datapackage.json", async Task<Results<ContentHttpResult, NotFound>> (string slug, SurveyDb db, QuestionnaireCatalog catalog, LiveSnapshots live, IOptions<SurveyOptions> options, IOptions<ContactOptions> contact, IStringLocalizer<Text> text, TimeProvider clock, HttpContext context, CancellationToken cancellationToken) =>
                await RoundResults.LoadAsync(db, catalog, live, options.Value.MinGroupSize(), slug, cancellationToken) is { } results
                    ? TypedResults.Text(await PackageAsync(results, db, catalog, options.Value, contact.Value, text, clock, context, cancellationToken), "application/json; charset=utf-8")
                    : TypedResults.NotFound())
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .WithSummary("Frictionless Data Package: the table schema of data.csv and data.json, and the licence (CC BY 4.0).");

        // The package and its three tables in one file, under the names the package gives them, so that it reads offline
        // as well: saved one by one, the tables are named after the round (the downloads above) and the package would
        // not find them.
        data.MapGet("/results/{slug}/datapackage.zip", async Task<Results<FileContentHttpResult, NotFound>> (string slug, SurveyDb db, QuestionnaireCatalog catalog, LiveSnapshots live, IOptions<SurveyOptions> options, IOptions<ContactOptions> contact, IStringLocalizer<Text> text, TimeProvider clock, HttpContext context, CancellationToken cancellationToken) =>
            {
                if (await RoundResults.LoadAsync(db, catalog, live, options.Value.MinGroupSize(), slug, cancellationToken) is not { } results)
                {
                    return TypedResults.NotFound();
                }
                var package = await PackageAsync(results, db, catalog, options.Value, contact.Value, text, clock, context, cancellationToken);
                var rows = OpenData.Rows(results).ToList();
                using var zip = new MemoryStream();
                using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
                {
                    foreach (var (name, content) in new[]
                    {
                        ("datapackage.json", package),
                        ("data.csv", OpenData.Csv(rows)),
                        ("data.json", OpenData.Json(rows).ToJsonString(Json)),
                        ("distribution.csv", OpenData.Csv(OpenData.DistributionFields, OpenData.DistributionRows(results))),
                    })
                    {
                        await using var entry = await archive.CreateEntry(name).OpenAsync(cancellationToken);
                        await entry.WriteAsync(Encoding.UTF8.GetBytes(content), cancellationToken);
                    }
                }
                return TypedResults.File(zip.ToArray(), "application/zip", $"{slug}-datapackage.zip");
            })
            .Produces(StatusCodes.Status200OK, contentType: "application/zip")
            .WithSummary("datapackage.json with data.csv, data.json and distribution.csv in one zip file, under the names the package gives them.");
    }

    private static async Task<string> PackageAsync(RoundResults results, SurveyDb db, QuestionnaireCatalog catalog, SurveyOptions options, ContactOptions contact, IStringLocalizer<Text> text, TimeProvider clock, HttpContext context, CancellationToken cancellationToken)
    {
        var publisher = new OpenData.Publisher(PublicOrigin.For(context), contact.Organisation, contact.Email);
        var description = MethodDeclaration.PlainText(results, options, await RoundResults.LiveVersionCountAsync(db, results.Round.Id, cancellationToken), text);
        var version = await SeriesBreaks.OfAsync(db, catalog, results.Questionnaire, options.LiveStepOf(options.MinGroupSize()), cancellationToken);
        return OpenData.DataPackage(results.Round, results.Questionnaire, version, options.MinGroupSize(), publisher, clock.GetUtcNow().UtcDateTime, description).ToJsonString(Json);
    }

    public static RoundSummary Summary(PublishedRound round) => new(
        round.Slug,
        round.TitleSv,
        round.TitleEn,
        round.State == RoundState.Closed ? "closed" : "open",
        round.OpenedAt,
        round.ClosedAt,
        round.Responses,
        $"/results/{round.Slug}",
        $"/api/rounds/{round.Slug}/results",
        $"/results/{round.Slug}/data.csv",
        $"/results/{round.Slug}/datapackage.json");

    public static ResultsDocument Document(RoundResults results, QuestionnaireVersion version)
    {
        var questionnaire = results.Questionnaire;
        return new ResultsDocument(
            Summary(results.Round),
            version,
            results.MinGroupSize,
            OpenData.Licence,
            [.. questionnaire.Scale.Select(s => new TextItem(s.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), s.Text.Sv, s.Text.En))],
            [.. questionnaire.Themes.Select(t => new ThemeItem(t.Key, t.Title.Sv, t.Title.En, [.. t.Statements.Select(s => new TextItem(s.Key, s.Text.Sv, s.Text.En))]))],
            [.. questionnaire.Background.Select(b => new BreakdownItem(b.Key, b.Text.Sv, b.Text.En, [.. b.Options.Select(o => new TextItem(o.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), o.Text.Sv, o.Text.En))]))],
            [.. results.AllGroups]);
    }
}
