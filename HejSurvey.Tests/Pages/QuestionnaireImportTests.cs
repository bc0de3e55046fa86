using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Tests.Pages;

/// <summary>Questionnaire versions leave as files in the site's format and come back as new drafts; a bad file stores nothing.</summary>
public abstract class QuestionnaireImportTests(AdminSiteFactory site)
{
    public sealed class OnSqlite(AdminSiteFactory site) : QuestionnaireImportTests(site), IClassFixture<AdminSiteFactory>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresAdminSiteFactory site) : QuestionnaireImportTests(site), IClassFixture<PostgresAdminSiteFactory>;

    [Fact]
    public async Task A_free_text_longer_than_a_stored_answer_can_be_is_refused()
    {
        var browser = await site.SignedInAsync("import-long-free-text");
        var questionnaire = ShippedQuestionnaires.Newest with
        {
            Key = "import-long-free-text",
            FreeText = ShippedQuestionnaires.Newest.FreeText with { MaxLength = Web.Data.Response.MaxFreeTextLength + 1 },
        };

        using var response = await ImportAsync(browser, System.Text.Encoding.UTF8.GetBytes(questionnaire.ToJson()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await HtmlForm.ParseAsync(response);
        Assert.Contains(page.QuerySelectorAll("#problems li"), li => li.TextContent.Contains("freeText.maxLength", StringComparison.Ordinal));
        await using var db = site.Db();
        Assert.False(await db.Questionnaires.AnyAsync(q => q.Key == "import-long-free-text"));
    }

    [Fact]
    public async Task The_JSON_export_of_every_version_reimports_to_an_identical_version()
    {
        var browser = await site.SignedInAsync("import-roundtrip");
        List<(string Key, int Version, string Definition)> versions;
        await using (var db = site.Db())
        {
            versions = [.. (await db.Questionnaires.AsNoTracking().ToListAsync()).Select(q => (q.Key, q.Version, q.Definition))];
        }
        Assert.NotEmpty(versions);
        foreach (var (key, version, definition) in versions)
        {
            using var export = await browser.GetAsync($"/admin/questionnaires/{key}/{version}.json");
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
            Assert.Equal("application/json", export.Content.Headers.ContentType?.MediaType);
            var file = await export.Content.ReadAsByteArrayAsync();

            using var imported = await ImportAsync(browser, file, $"{key}-v{version}.json");
            Assert.Equal(HttpStatusCode.Redirect, imported.StatusCode);
            var location = imported.Headers.Location!.OriginalString;
            var created = int.Parse(location.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
            await using var db = site.Db();
            var stored = await db.Questionnaires.AsNoTracking().SingleAsync(q => q.Key == key && q.Version == created);
            Assert.False(stored.IsFinal);
            Assert.True(created > version);
            var original = QuestionnaireDefinition.Parse(definition);
            Assert.Equal((original with { Version = created }).ToJson(), QuestionnaireDefinition.Parse(stored.Definition).ToJson());
            Assert.Contains(await site.AuditAsync("import-roundtrip"), a => a.Action == AuditAction.QuestionnaireImported && a.Detail!.StartsWith($"{key} v{created}", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_new_key_becomes_version_1_of_a_new_questionnaire()
    {
        var browser = await site.SignedInAsync("import-new");
        var json = Shipped();
        json["key"] = "import-new-questionnaire";
        json["version"] = 7;
        using var imported = await ImportAsync(browser, Bytes(json));
        Assert.Equal("/admin/questionnaires/import-new-questionnaire/1", imported.Headers.Location?.OriginalString);
        var list = await browser.GetPageAsync("/admin/questionnaires");
        Assert.NotNull(list.QuerySelector("table#import-new-questionnaire"));
    }

    public static TheoryData<string, string, string> BadFiles() => new()
    {
        { "schema", "themes[0].statements[0].text", "saknas" },
        { "type", "freeText.maxLength", "fel typ" },
        { "unknown", "extra", "finns inte" },
        { "duplicate", "themes[1].statements[0].key", "används redan" },
        // The overview's own anchor and embed address: the statement's card could never be linked to or framed.
        { "reserved", "themes[0].statements[1].key", "upptagen av resultatsidan" },
        { "translation", "themes[0].title.en", "engelska" },
        { "too-many", "themes[0].statements", "högst 200" },
        { "not-json", "rad 3", "inte giltig JSON" },
        { "deep", "rad", "djupare" },
        { "scale", "scale", "fem steg" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task A_file_with_a_problem_gets_400_with_the_problem_named_and_stores_nothing(string kind, string where, string what)
    {
        var browser = await site.SignedInAsync($"import-{kind}");
        var json = Shipped();
        byte[] file;
        switch (kind)
        {
            case "schema":
                json["themes"]![0]!["statements"]![0]!.AsObject().Remove("text");
                break;
            case "type":
                json["freeText"]!["maxLength"] = "lots";
                break;
            case "unknown":
                json["extra"] = true;
                break;
            case "duplicate":
                json["themes"]![1]!["statements"]![0]!["key"] = json["themes"]![0]!["statements"]![0]!["key"]!.GetValue<string>();
                break;
            case "reserved":
                json["themes"]![0]!["statements"]![1]!["key"] = "overview";
                break;
            case "translation":
                json["themes"]![0]!["title"]!["en"] = "";
                break;
            case "too-many":
                var statements = json["themes"]![0]!["statements"]!.AsArray();
                for (var i = 0; i < 201; i++)
                {
                    statements.Add(new JsonObject { ["key"] = $"extra_{i}", ["text"] = new JsonObject { ["sv"] = "Ett", ["en"] = "One" } });
                }
                break;
            case "scale":
                json["scale"]![0]!["value"] = 9;
                break;
        }
        file = kind switch
        {
            "not-json" => Encoding.UTF8.GetBytes("{\n  \"key\": \"hej-digitalt\",\n  \"version\": 1,,\n}"),
            "deep" => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("[", 5000)) + string.Concat(Enumerable.Repeat("]", 5000))),
            _ => Bytes(json),
        };
        int before;
        await using (var db = site.Db())
        {
            before = await db.Questionnaires.CountAsync();
        }

        using var response = await ImportAsync(browser, file);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await HtmlForm.ParseAsync(response);
        var problems = page.QuerySelectorAll("#problems li").Select(li => li.TextContent).ToList();
        Assert.True(problems.Any(p => p.Contains(where, StringComparison.Ordinal) && p.Contains(what, StringComparison.Ordinal)), string.Join("\n", problems));
        await using (var db = site.Db())
        {
            Assert.Equal(before, await db.Questionnaires.CountAsync());
        }
        Assert.DoesNotContain(await site.AuditAsync($"import-{kind}"), a => a.Action == AuditAction.QuestionnaireImported);
    }

    [Fact]
    public async Task The_schema_is_public_and_the_import_and_export_are_for_admins_only()
    {
        var anonymous = site.Browser();
        using var schema = await anonymous.GetAsync(QuestionnaireJson.SchemaPath);
        Assert.Equal(HttpStatusCode.OK, schema.StatusCode);
        Assert.Equal("application/schema+json", schema.Content.Headers.ContentType?.MediaType);
        using (var parsed = JsonDocument.Parse(await schema.Content.ReadAsStringAsync()))
        {
            Assert.Equal("https://json-schema.org/draft/2020-12/schema", parsed.RootElement.GetProperty("$schema").GetString());
        }

        using var export = await anonymous.GetAsync("/admin/questionnaires/hej-digitalt/1.json");
        Assert.Equal(HttpStatusCode.Unauthorized, export.StatusCode);
        using var content = new MultipartFormDataContent { { new ByteArrayContent(Bytes(Shipped())), "file", "q.json" } };
        using var import = await anonymous.PostAsync("/admin/questionnaires/import", content);
        Assert.Equal(HttpStatusCode.Redirect, import.StatusCode);
        Assert.StartsWith("/admin/login", import.Headers.Location?.OriginalString, StringComparison.Ordinal);

        // Signed in but without the form's antiforgery token: refused, nothing stored.
        var browser = await site.SignedInAsync("import-forged");
        using var forgedContent = new MultipartFormDataContent { { new ByteArrayContent(Bytes(Shipped())), "file", "q.json" } };
        using var forged = await browser.PostAsync("/admin/questionnaires/import", forgedContent);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.DoesNotContain(await site.AuditAsync("import-forged"), a => a.Action == AuditAction.QuestionnaireImported);
    }

    [Fact]
    public async Task An_admin_upload_that_is_oversized_or_no_upload_at_all_is_refused_and_stores_nothing()
    {
        var browser = await site.SignedInAsync("import-hostile");
        var page = await browser.GetPageAsync("/admin/questionnaires/import");
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        int before;
        await using (var db = site.Db())
        {
            before = await db.Questionnaires.CountAsync();
        }

        // Past the site's form limit but within the import's own: read, and refused for what it is.
        using (var pastFormLimit = await ImportAsync(browser, new byte[Web.Site.RequestLimits.MaxBodyBytes + 1]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, pastFormLimit.StatusCode);
            Assert.Contains("inte giltig JSON", (await HtmlForm.ParseAsync(pastFormLimit)).QuerySelector("#problems")!.TextContent, StringComparison.Ordinal);
        }
        // Past the import's limit: never read, and the import page says why (not a bare 413).
        using (var oversized = await ImportAsync(browser, new byte[Web.Site.RequestLimits.MaxImportBodyBytes + 1]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, oversized.StatusCode);
            var refused = await HtmlForm.ParseAsync(oversized);
            Assert.Contains("Filen är större än 256 kB.", refused.QuerySelector("#problems")!.TextContent, StringComparison.Ordinal);
            Assert.NotNull(refused.QuerySelector("form input[type=file]#file"));
        }
        using (var justOver = await ImportAsync(browser, new byte[Web.Site.RequestLimits.MaxImportFileBytes + 1]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, justOver.StatusCode);
            Assert.Contains("Filen är större än 256 kB.", (await HtmlForm.ParseAsync(justOver)).QuerySelector("#problems")!.TextContent, StringComparison.Ordinal);
        }
        using (var empty = await ImportAsync(browser, []))
        {
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        }
        using (var noFile = await browser.PostFormAsync("/admin/questionnaires/import", [new("__RequestVerificationToken", token)]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noFile.StatusCode);
        }
        var unfinished = new StringContent($"--x\r\nContent-Disposition: form-data; name=\"__RequestVerificationToken\"\r\n\r\n{token}\r\n--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"q.json\"\r\n\r\n{{");
        unfinished.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");
        using (var malformed = await browser.PostAsync("/admin/questionnaires/import", unfinished))
        {
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        }
        await using (var db = site.Db())
        {
            Assert.Equal(before, await db.Questionnaires.CountAsync());
        }
    }

    private static JsonNode Shipped() => JsonNode.Parse(QuestionnaireDefinition.Embedded().First().Json)!;

    private static byte[] Bytes(JsonNode json) => Encoding.UTF8.GetBytes(json.ToJsonString());

    internal static async Task<HttpResponseMessage> ImportAsync(HttpClient browser, byte[] file, string name = "questionnaire.json")
    {
        var page = await browser.GetPageAsync("/admin/questionnaires/import");
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var body = new ByteArrayContent(file);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var content = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { body, "file", name },
        };
        return await browser.PostAsync("/admin/questionnaires/import", content);
    }
}
