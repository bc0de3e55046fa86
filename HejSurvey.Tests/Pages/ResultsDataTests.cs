using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using AngleSharp.Dom;
using HejSurvey.Web.Data;
using HejSurvey.Web.OpenResults;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HejSurvey.Tests.Pages;

public abstract class ResultsDataTests(SiteFactory site)
{
    public sealed class OnSqlite(SiteFactory site) : ResultsDataTests(site), IClassFixture<SiteFactory>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresSiteFactory site) : ResultsDataTests(site), IClassFixture<PostgresSiteFactory>;

    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    [Fact]
    public async Task Csv_json_and_api_carry_the_same_figures_as_the_page()
    {
        await site.PublishedRoundAsync("agree-data", ResultsSite.KnownAnswers());
        var browser = site.Browser();

        var page = await browser.GetPageAsync("/results/agree-data?by=role&culture=en");
        using var csvResponse = await browser.GetAsync("/results/agree-data/data.csv");
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        // Plain UTF-8 as the data package declares, no byte order mark: Frictionless' readers take one for part of "round".
        Assert.Equal("round,"u8.ToArray(), (await csvResponse.Content.ReadAsByteArrayAsync())[..6]);
        var csv = CsvTable.Read(await csvResponse.Content.ReadAsStringAsync());
        var json = JsonDocument.Parse(await browser.GetStringAsync("/results/agree-data/data.json")).RootElement;
        var api = JsonDocument.Parse(await browser.GetStringAsync("/api/rounds/agree-data/results")).RootElement;

        // Everyone and four roles, each with every statement and every theme; the JSON rows are the CSV rows.
        var rowsPerGroup = ResultsSite.Questionnaire.Statements.Count() + ResultsSite.Questionnaire.Themes.Count;
        Assert.Equal(rowsPerGroup * (1 + 4 + 4 + 4), csv.Count);
        Assert.Equal(csv.Count, json.GetArrayLength());
        for (var i = 0; i < csv.Count; i++)
        {
            foreach (var (name, value) in csv[i])
            {
                Assert.Equal(value, JsonText(json[i].GetProperty(name)));
            }
        }

        var labels = new Dictionary<string, string> { ["all"] = "All respondents", ["1"] = "Top management", ["2"] = "Manager", ["3"] = "Specialist or IT staff", ["4"] = "Other staff" };
        var apiGroups = api.GetProperty("groups").EnumerateArray().ToList();
        foreach (var row in csv.Where(r => r["kind"] == "statement" && r["breakdown"] is "all" or "role"))
        {
            var label = labels[row["breakdown"] == "all" ? "all" : row["group"]];
            var tableRow = page.QuerySelectorAll($"figure#{row["statement"]} table.shares tbody tr").Single(tr => tr.QuerySelector("th")!.TextContent.Trim() == label);
            var distributionRow = page.QuerySelectorAll($"figure#{row["statement"]} table.distribution tbody tr").Single(tr => tr.QuerySelector("th")!.TextContent.Trim() == label);
            var apiGroup = apiGroups.Single(g => g.GetProperty("breakdown").GetString() == (row["breakdown"] == "all" ? "" : "role")
                && (row["breakdown"] == "all" || g.GetProperty("option").GetInt32().ToString(CultureInfo.InvariantCulture) == row["group"]));
            if (row["suppressed"] == "true")
            {
                Assert.Equal("true", tableRow.QuerySelector("td")!.GetAttribute("data-suppressed"));
                Assert.All(["n", "count_1", "count_5", "dont_know", "agree_share", "mean", "mean_low"], field => Assert.Equal("", row[field]));
                if (apiGroup.GetProperty("size").ValueKind == JsonValueKind.Null)
                {
                    // The whole group is hidden.
                    Assert.Equal("", row["group_size"]);
                    Assert.Empty(apiGroup.GetProperty("statements").EnumerateObject());
                }
                else
                {
                    // The group shows, this statement in it does not: no count at all, not even "don't know".
                    var hidden = apiGroup.GetProperty("statements").GetProperty(row["statement"]);
                    Assert.True(hidden.GetProperty("suppressed").GetBoolean());
                    Assert.All(["counts", "dontKnow", "n", "agree", "mean"], name => Assert.Equal(JsonValueKind.Null, hidden.GetProperty(name).ValueKind));
                }
                continue;
            }
            Assert.Equal(row["n"], Text(tableRow, "n"));
            Assert.Equal(row["dont_know"], Text(distributionRow, "dont-know"));
            if (row["n"] == "0")
            {
                // Everyone in the group said "don't know": no share and no mean, anywhere.
                Assert.Equal(("", "", ""), (row["agree_share"], row["mean"], Text(tableRow, "agree")));
                continue;
            }
            var agree = double.Parse(row["agree_share"], CultureInfo.InvariantCulture);
            var low = double.Parse(row["agree_low"], CultureInfo.InvariantCulture);
            var high = double.Parse(row["agree_high"], CultureInfo.InvariantCulture);
            var mean = double.Parse(row["mean"], CultureInfo.InvariantCulture);
            Assert.Equal(string.Create(English, $"{agree:P0} {low:P0}–{high:P0}"), Text(tableRow, "agree"));
            Assert.StartsWith(mean.ToString("0.00", CultureInfo.InvariantCulture), Text(tableRow, "mean"), StringComparison.Ordinal);

            var figures = apiGroup.GetProperty("statements").GetProperty(row["statement"]);
            Assert.Equal(agree, figures.GetProperty("agree").GetProperty("value").GetDouble());
            Assert.Equal(high, figures.GetProperty("agree").GetProperty("high").GetDouble());
            Assert.Equal(mean, figures.GetProperty("mean").GetProperty("value").GetDouble());
            Assert.Equal(row["count_1"], figures.GetProperty("counts")[0].GetInt64().ToString(CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task The_distribution_in_long_form_holds_the_counts_of_data_csv_and_hides_what_it_hides()
    {
        await site.PublishedRoundAsync("long-data", ResultsSite.KnownAnswers());
        var browser = site.Browser();

        var data = CsvTable.Read(await browser.GetStringAsync("/results/long-data/data.csv"));
        using var response = await browser.GetAsync("/results/long-data/distribution.csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        // Plain UTF-8 without a byte order mark, like data.csv.
        Assert.Equal("round,"u8.ToArray(), bytes[..6]);
        var distribution = CsvTable.Read(Encoding.UTF8.GetString(bytes));

        Assert.Equal(["round", "breakdown", "group", "group_code", "theme", "item", "value", "count", "suppressed"], distribution[0].Keys);
        var statements = data.Where(r => r["kind"] == "statement").ToList();
        // Six rows (the scale's five values, then "don't know") for every row of a statement in data.csv, and no other.
        Assert.Equal(statements.Count * 6, distribution.Count);
        var byKey = distribution.ToLookup(r => (r["breakdown"], r["group"], r["item"]));
        foreach (var row in statements)
        {
            var rows = byKey[(row["breakdown"], row["group"], row["statement"])].ToList();
            Assert.Equal(["1", "2", "3", "4", "5", "0"], rows.Select(r => r["value"]));
            Assert.All(rows, r => Assert.Equal((row["group_code"], row["theme"], row["suppressed"]), (r["group_code"], r["theme"], r["suppressed"])));
            // Every count is data.csv's: a hidden cell is hidden here too, empty and never zero.
            Assert.Equal([row["count_1"], row["count_2"], row["count_3"], row["count_4"], row["count_5"], row["dont_know"]], rows.Select(r => r["count"]));
            if (row["suppressed"] == "true")
            {
                Assert.All(rows, r => Assert.Equal("", r["count"]));
            }
        }
        Assert.Contains(distribution, r => r["suppressed"] == "true");
        Assert.Contains(distribution, r => r["suppressed"] == "false" && r["value"] == "0" && r["count"] != "0");
        Assert.Contains("long-data-distribution.csv", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_zipped_data_package_holds_the_package_and_its_tables_under_the_names_it_gives_them()
    {
        await site.PublishedRoundAsync("zipped-package", ResultsSite.KnownAnswers());
        var browser = site.Browser();

        using var response = await browser.GetAsync("/results/zipped-package/datapackage.zip");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("zipped-package-datapackage.zip", response.Content.Headers.ContentDisposition?.FileName);
        using var zip = new System.IO.Compression.ZipArchive(await response.Content.ReadAsStreamAsync());
        string Entry(string name)
        {
            using var reader = new StreamReader(zip.GetEntry(name)!.Open());
            return reader.ReadToEnd();
        }
        Assert.Equal(["datapackage.json", "data.csv", "data.json", "distribution.csv"], zip.Entries.Select(e => e.FullName));
        Assert.Equal(await browser.GetStringAsync("/results/zipped-package/data.json"), Entry("data.json"));
        Assert.Equal(await browser.GetStringAsync("/results/zipped-package/data.csv"), Entry("data.csv"));
        Assert.Equal(await browser.GetStringAsync("/results/zipped-package/distribution.csv"), Entry("distribution.csv"));
        // The package's own tables are the entries beside it; its other resources are addresses on the web.
        var package = System.Text.Json.JsonDocument.Parse(Entry("datapackage.json")).RootElement;
        var online = System.Text.Json.JsonDocument.Parse(await browser.GetStringAsync("/results/zipped-package/datapackage.json")).RootElement;
        Assert.Equal(online.GetProperty("resources").GetRawText(), package.GetProperty("resources").GetRawText());
        var local = package.GetProperty("resources").EnumerateArray().Select(r => r.GetProperty("path").GetString()!).Where(p => !p.Contains("://", StringComparison.Ordinal)).ToList();
        Assert.Equal(["data.csv", "data.json", "distribution.csv"], local.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_results_page_and_the_method_page_link_every_data_file_with_what_it_holds_in_both_languages()
    {
        await site.PublishedRoundAsync("linked-data", ResultsSite.KnownAnswers());
        var browser = site.Browser();
        string[] files = ["data.csv", "distribution.csv", "data.xlsx", "data.json", "datapackage.json", "datapackage.zip"];

        foreach (var (culture, distributionLabel, distributionSentence) in new[]
        {
            ("sv", "Svarsfördelning (CSV)", "Samma antal svar i lång form: en rad per grupp, påstående och svar"),
            ("en", "Distribution of answers (CSV)", "The same answer counts in long form: a row per group, statement and answer"),
        })
        {
            var round = await browser.GetPageAsync($"/results/linked-data?culture={culture}");
            var method = await browser.GetPageAsync($"/results/linked-data/method?culture={culture}");
            Assert.Contains(round.QuerySelectorAll(".data-links a"), a => a.GetAttribute("href") == "/results/linked-data/distribution.csv");
            foreach (var page in new[] { round, method })
            {
                var list = page.QuerySelector("dl.data-files")!;
                var links = list.QuerySelectorAll("dt > a[href^='/results/']").Select(a => a.GetAttribute("href")).ToList();
                Assert.Equal(files.Select(f => $"/results/linked-data/{f}"), links);
                // Each file has its sentence, in the language of the page.
                Assert.All(list.QuerySelectorAll("dt"), dt => Assert.True(dt.NextElementSibling is { LocalName: "dd" } dd && dd.TextContent.Trim().EndsWith('.')));
                var distribution = list.QuerySelector("a[href$='/distribution.csv']")!;
                Assert.Equal(distributionLabel, distribution.TextContent.Trim());
                Assert.StartsWith(distributionSentence, distribution.ParentElement!.NextElementSibling!.TextContent.Trim(), StringComparison.Ordinal);
                Assert.Contains(ResultsSite.Questionnaire.DontKnow.Text.In(culture), distribution.ParentElement!.NextElementSibling!.TextContent, StringComparison.Ordinal);
            }
        }

        // The link answers with the CSV itself.
        using var response = await browser.GetAsync("/results/linked-data/distribution.csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("round,breakdown,group,group_code,theme,item,value,count,suppressed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_or_unpublished_round_has_no_distribution()
    {
        await site.CreateRoundAsync("unpublished-long", published: false);
        var browser = site.Browser();

        using var unknown = await browser.GetAsync("/results/no-such-round/distribution.csv");
        using var unpublished = await browser.GetAsync("/results/unpublished-long/distribution.csv");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (unknown.StatusCode, unpublished.StatusCode));
    }

    [Fact]
    public async Task Theme_indices_in_the_csv_and_api_match_the_page()
    {
        await site.PublishedRoundAsync("agree-themes", ResultsSite.KnownAnswers());
        var browser = site.Browser();

        var page = await browser.GetPageAsync("/results/agree-themes?culture=en");
        var csv = CsvTable.Read(await browser.GetStringAsync("/results/agree-themes/data.csv"));
        var api = JsonDocument.Parse(await browser.GetStringAsync("/api/rounds/agree-themes/results")).RootElement;

        var everyone = page.QuerySelectorAll("figure#themes tbody tr").Single();
        var apiThemes = api.GetProperty("groups")[0].GetProperty("themes");
        foreach (var row in csv.Where(r => r["kind"] == "theme" && r["breakdown"] == "all"))
        {
            var index = double.Parse(row["index"], CultureInfo.InvariantCulture);
            var low = double.Parse(row["index_low"], CultureInfo.InvariantCulture);
            var high = double.Parse(row["index_high"], CultureInfo.InvariantCulture);
            var cell = string.Join(' ', everyone.QuerySelector($"td[data-theme={row["theme"]}]")!.TextContent.Split((char[])[' ', '\n', '\r', '\u00a0'], StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal(string.Create(English, $"{index:0} {low:0}–{high:0} n = {row["n"]}"), cell);
            Assert.Equal(index, apiThemes.GetProperty(row["theme"]).GetProperty("index").GetProperty("value").GetDouble());
            Assert.Equal(row["n"], apiThemes.GetProperty(row["theme"]).GetProperty("n").GetInt64().ToString(CultureInfo.InvariantCulture));
        }
        // Leadership, by hand: 55 (31.45–78.55), n = 10.
        Assert.Equal("55", csv.Single(r => r["kind"] == "theme" && r["breakdown"] == "all" && r["theme"] == "leadership")["index"]);
    }

    [Fact]
    public async Task The_data_package_describes_every_column_with_the_licence()
    {
        await site.PublishedRoundAsync("package-round", Enumerable.Range(0, 5).Select(_ => ResultsSite.Answer()));
        var browser = site.Browser();

        var package = JsonDocument.Parse(await browser.GetStringAsync("/results/package-round/datapackage.json")).RootElement;
        var header = (await browser.GetStringAsync("/results/package-round/data.csv")).Split("\r\n")[0].Split(',');

        Assert.Equal("CC-BY-4.0", package.GetProperty("licenses")[0].GetProperty("name").GetString());
        var resources = package.GetProperty("resources").EnumerateArray().ToList();
        Assert.Equal(["data.csv", "data.json", "distribution.csv"], resources.Select(r => r.GetProperty("path").GetString()));
        foreach (var resource in resources[..2])
        {
            var schema = resource.GetProperty("schema");
            var fields = schema.GetProperty("fields").EnumerateArray().ToList();
            Assert.Equal(header, fields.Select(f => f.GetProperty("name").GetString()));
            Assert.All(fields, f =>
            {
                Assert.Contains(f.GetProperty("type").GetString(), new[] { "string", "integer", "number", "boolean" });
                Assert.False(string.IsNullOrWhiteSpace(f.GetProperty("description").GetString()));
            });
            Assert.Equal([""], schema.GetProperty("missingValues").EnumerateArray().Select(v => v.GetString()));
            Assert.Equal(["breakdown", "group", "kind", "item"], schema.GetProperty("primaryKey").EnumerateArray().Select(v => v.GetString()));
            var byName = fields.ToDictionary(f => f.GetProperty("name").GetString()!);
            // The coded columns carry their categories with labels; every figure that can be suppressed says what an empty cell means.
            Assert.Equal(["all", "orgtype", "role", "size"], byName["breakdown"].GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("value").GetString()));
            Assert.Contains(byName["group_code"].GetProperty("categories").EnumerateArray(), c => c.GetProperty("value").GetString() == "role-2" && c.GetProperty("label").GetString() == "What is your role?: Manager");
            Assert.False(byName["statement"].GetProperty("categoriesOrdered").GetBoolean());
            Assert.Contains("Completely agree", byName["count_5"].GetProperty("description").GetString(), StringComparison.Ordinal);
            foreach (var figure in new[] { "n", "agree_share", "mean", "index", "group_size" })
            {
                var missing = byName[figure].GetProperty("missingValues")[0];
                Assert.Equal("", missing.GetProperty("value").GetString());
                Assert.Contains("fewer than 5", missing.GetProperty("label").GetString(), StringComparison.Ordinal);
            }
        }

        // The long table: the answer is one column whose categories are the scale, in order, with labels; "don't know"
        // is not on it and is declared as a missing value with its meaning; the coded columns carry their categories.
        var longSchema = resources[2].GetProperty("schema");
        var longFields = longSchema.GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!);
        var longHeader = (await browser.GetStringAsync("/results/package-round/distribution.csv")).Split("\r\n")[0].Split(',');
        Assert.Equal(longHeader, longFields.Keys);
        var value = longFields["value"];
        Assert.Equal("integer", value.GetProperty("type").GetString());
        Assert.True(value.GetProperty("categoriesOrdered").GetBoolean());
        Assert.Equal([1, 2, 3, 4, 5], value.GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("value").GetInt32()));
        Assert.Equal("Completely disagree (Tar helt avstånd)", value.GetProperty("categories")[0].GetProperty("label").GetString());
        var dontKnow = Assert.Single(value.GetProperty("missingValues").EnumerateArray());
        Assert.Equal("0", dontKnow.GetProperty("value").GetString());
        Assert.StartsWith("Don't know", dontKnow.GetProperty("label").GetString(), StringComparison.Ordinal);
        Assert.Contains("fewer than 5", longFields["count"].GetProperty("missingValues")[0].GetProperty("label").GetString(), StringComparison.Ordinal);
        Assert.Contains(longFields["group_code"].GetProperty("categories").EnumerateArray(), c => c.GetProperty("value").GetString() == "role-2");
        Assert.Equal(["all", "orgtype", "role", "size"], longFields["breakdown"].GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("value").GetString()));
        Assert.Equal(ResultsSite.Questionnaire.Statements.Select(st => st.Key), longFields["item"].GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("value").GetString()));

        Assert.Equal("1.0.0", package.GetProperty("version").GetString());
        Assert.True(DateTime.TryParse(package.GetProperty("created").GetString(), CultureInfo.InvariantCulture, out _));
        Assert.Equal("http://localhost/results/package-round", package.GetProperty("homepage").GetString());
        Assert.Equal("http://localhost/results/package-round", package.GetProperty("sources")[0].GetProperty("path").GetString());
        Assert.Equal("Hej digitalt", package.GetProperty("contributors")[0].GetProperty("title").GetString());
        Assert.Equal("hej-digitalt@example.org", package.GetProperty("contributors")[0].GetProperty("email").GetString());
    }

    [Fact]
    public async Task The_api_lists_published_rounds_and_is_described_by_openapi()
    {
        await site.PublishedRoundAsync("api-round", Enumerable.Range(0, 5).Select(_ => ResultsSite.Answer()));
        var browser = site.Browser();

        var rounds = JsonDocument.Parse(await browser.GetStringAsync("/api/rounds")).RootElement;
        var round = rounds.EnumerateArray().Single(r => r.GetProperty("slug").GetString() == "api-round");
        Assert.Equal(5, round.GetProperty("responses").GetInt32());
        Assert.Equal("/api/rounds/api-round/results", round.GetProperty("results").GetString());

        using var openApi = await browser.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        var paths = JsonDocument.Parse(await openApi.Content.ReadAsStringAsync()).RootElement.GetProperty("paths");
        var documented = paths.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/rounds", documented);
        Assert.Contains("/api/rounds/{slug}/results", documented);
        Assert.Contains("/results/{slug}/data.csv", documented);
        Assert.DoesNotContain(documented, p => p.StartsWith("/language", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Live_results_come_in_versions_of_at_least_the_step_and_no_output_shows_the_running_count()
    {
        var round = await site.CreateRoundAsync("live-steps", RoundState.Open, published: true, live: true);
        var browser = site.Browser();
        async Task<int> ShownAsync(string culture = "sv")
        {
            var api = JsonDocument.Parse(await browser.GetStringAsync($"/api/rounds/{round.Slug}/results")).RootElement;
            var shown = api.GetProperty("round").GetProperty("responses").GetInt32();
            var page = await browser.GetPageAsync($"/results/{round.Slug}?culture={culture}");
            Assert.Equal(shown.ToString(CultureInfo.InvariantCulture), page.QuerySelector("[data-figure=responses]")!.TextContent.Trim());
            // The same count on the landing page, the results list and the list of rounds in the API.
            var rounds = JsonDocument.Parse(await browser.GetStringAsync("/api/rounds")).RootElement;
            Assert.Equal(shown, rounds.EnumerateArray().Single(r => r.GetProperty("slug").GetString() == round.Slug).GetProperty("responses").GetInt32());
            foreach (var list in new[] { "/", "/results" })
            {
                var item = (await browser.GetPageAsync(list)).QuerySelectorAll("li").Single(li => li.QuerySelector($"a[href='/results/{round.Slug}']") is not null);
                Assert.Contains($"{shown} svar", item.TextContent, StringComparison.Ordinal);
            }
            return shown;
        }

        // No version before LiveStep (4 × 5 = 20) answers.
        await site.SubmitAsync(round, Enumerable.Range(0, 19).Select(_ => ResultsSite.Answer(orgtype: 1)));
        Assert.Equal(0, await ShownAsync());

        // The 20th answer makes a first version due.
        await site.SubmitAsync(round, [ResultsSite.Answer(statements: 5, orgtype: 2)]);
        Assert.Equal(20, await ShownAsync("en"));

        // Twenty more, but the interval (60 minutes) has not passed: the version shown stays.
        await site.SubmitAsync(round, Enumerable.Range(0, 20).Select(_ => ResultsSite.Answer(orgtype: 2)));
        Assert.Equal(20, await ShownAsync());

        // Closed, the round shows its final results, 20 answers from the version shown before, and its count everywhere.
        await site.SetAsync(round, RoundState.Closed, published: true);
        Assert.Equal(40, await ShownAsync());
        await using var db = site.Db();
        Assert.Equal(1, await db.LiveVersions.CountAsync(v => v.RoundId == round.Id));
    }

    [Fact]
    public async Task Final_results_fewer_than_k_answers_after_the_last_live_version_stay_that_version()
    {
        var round = await site.CreateRoundAsync("live-last-few", RoundState.Open, published: true, live: true);
        await site.SubmitAsync(round, Enumerable.Range(0, 20).Select(_ => ResultsSite.Answer(statements: 3)));
        var browser = site.Browser();
        var live = await browser.GetStringAsync($"/results/{round.Slug}/data.csv");

        // Two more (one a 5 everywhere): the final results would give those two away against the version shown.
        await site.SubmitAsync(round, [ResultsSite.Answer(statements: 5), ResultsSite.Answer(statements: 3)]);
        await site.SetAsync(round, RoundState.Closed, published: true);

        Assert.Equal(live, await browser.GetStringAsync($"/results/{round.Slug}/data.csv"));
        var api = JsonDocument.Parse(await browser.GetStringAsync($"/api/rounds/{round.Slug}/results")).RootElement;
        Assert.Equal(20, api.GetProperty("round").GetProperty("responses").GetInt32());
        var rounds = JsonDocument.Parse(await browser.GetStringAsync("/api/rounds")).RootElement;
        Assert.Equal(20, rounds.EnumerateArray().Single(r => r.GetProperty("slug").GetString() == round.Slug).GetProperty("responses").GetInt32());
    }

    [Fact]
    public async Task The_tallies_equal_a_full_recount_of_the_answers_after_many_submissions()
    {
        var random = new Random(20261127);
        var answers = Enumerable.Range(0, 600).Select(_ =>
        {
            var answer = ResultsSite.Answer(orgtype: random.Next(1, 5), role: random.Next(1, 5), size: random.Next(1, 5));
            foreach (var statement in ResultsSite.Questionnaire.Statements)
            {
                answer[statement.Key] = random.Next(0, 6);
            }
            return answer;
        }).ToList();
        var round = await site.CreateRoundAsync("recount", RoundState.Open, published: true, live: true);
        // Several waves at once, so the writer commits many batches.
        await Task.WhenAll(answers.Chunk(50).Select(wave => site.SubmitAsync(round, wave)));

        await using var db = site.Db();
        var stored = await db.Answers
            .Join(db.Responses.Where(r => r.RoundId == round.Id), a => a.ResponseId, r => r.Id, (a, r) => a)
            .ToListAsync();
        var byResponse = stored.GroupBy(a => a.ResponseId).Select(g => g.ToDictionary(a => a.QuestionKey, a => a.Value)).ToList();
        // What is stored is what was sent, so the recount below starts from the respondents' own answers.
        static string Written(Dictionary<string, int> answer) => string.Join(',', answer.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"));
        Assert.Equal(answers.Select(Written).Order(StringComparer.Ordinal), byResponse.Select(Written).Order(StringComparer.Ordinal));

        var expectedCounts = new Dictionary<(string, string, int), long>();
        var expectedThemes = new Dictionary<(string, string), (long N, double Sum, double Squares)>();
        foreach (var response in byResponse)
        {
            foreach (var group in new[] { "", $"orgtype={response["orgtype"]}", $"role={response["role"]}", $"size={response["size"]}" })
            {
                foreach (var (question, value) in response)
                {
                    expectedCounts[(group, question, value)] = expectedCounts.GetValueOrDefault((group, question, value)) + 1;
                }
                foreach (var theme in ResultsSite.Questionnaire.Themes)
                {
                    var onScale = theme.Statements.Select(s => response[s.Key]).Where(v => v > 0).ToList();
                    if (onScale.Count > 0)
                    {
                        var index = onScale.Average(v => (v - 1) * 25.0);
                        var (n, sum, squares) = expectedThemes.GetValueOrDefault((group, theme.Key));
                        expectedThemes[(group, theme.Key)] = (n + 1, sum + index, squares + (index * index));
                    }
                }
            }
        }

        var tallies = await site.TalliesAsync(round.Id);
        Assert.Equal(
            expectedCounts.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"),
            tallies.Counts.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"));
        var themes = tallies.Themes.Values.ToList();
        Assert.Equal(expectedThemes.Count, themes.Count);
        foreach (var tally in themes)
        {
            var (n, sum, squares) = expectedThemes[(tally.GroupKey, tally.ThemeKey)];
            Assert.Equal(n, tally.N);
            // Sums of doubles added in another order differ in the last bits, so they are compared to a part in a billion.
            Assert.Equal(sum, tally.Sum, Math.Max(1, Math.Abs(sum)) * 1e-9);
            Assert.Equal(squares, tally.SumOfSquares, Math.Max(1, Math.Abs(squares)) * 1e-9);
        }
        Assert.Equal(600, (await db.Rounds.SingleAsync(r => r.Id == round.Id)).ResponseCount);

        // And, once the round has closed, the published share equals the share recounted from the answers.
        await db.Rounds.Where(r => r.Id == round.Id).ExecuteUpdateAsync(set => set.SetProperty(r => r.State, RoundState.Closed).SetProperty(r => r.ClosedAt, DateTime.UtcNow));
        var api = JsonDocument.Parse(await site.Browser().GetStringAsync("/api/rounds/recount/results")).RootElement;
        var drive = byResponse.Select(r => r["lead_drive"]).Where(v => v > 0).ToList();
        var everyone = api.GetProperty("groups")[0].GetProperty("statements").GetProperty("lead_drive");
        Assert.Equal((double)drive.Count(v => v >= 4) / drive.Count, everyone.GetProperty("agree").GetProperty("value").GetDouble(), 12);
        Assert.Equal(drive.Average(), everyone.GetProperty("mean").GetProperty("value").GetDouble(), 12);
    }

    private static string Text(IElement row, string figure) =>
        string.Join(' ', row.QuerySelector($"td[data-figure={figure}]")!.TextContent.Split((char[])[' ', '\n', '\r', '\u00a0'], StringSplitOptions.RemoveEmptyEntries));

    private static string JsonText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
        _ => value.GetString()!,
    };

}
