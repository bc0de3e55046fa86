using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using HejSurvey.Tests.Pages;
using HejSurvey.Web.Site;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Tests.Hostile;

/// <summary>
/// Hostile questionnaire uploads from a signed-in admin, on a real Kestrel port (whose body limits the test server does
/// not have): each gets 400 with a message on the import page, never a 500 or a hang, and nothing is stored.
/// </summary>
public abstract class HostileUploadTests(HostileSite site)
{
    public sealed class OnSqlite(HostileSite site) : HostileUploadTests(site), IClassFixture<HostileSite>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresHostileSite site) : HostileUploadTests(site), IClassFixture<PostgresHostileSite>;

    private const string SheetEntry = "xl/worksheets/sheet1.xml";

    public static TheoryData<string, string> Uploads() => new()
    {
        { "zip bomb", "packas upp till mer än 8 MB" },
        // .NET's zip reader stops at the size the header claims, so the sheet ends after 100 bytes, mid-element.
        { "zip bomb with a lying header", "XML som inte går att läsa" },
        { "zip of many entries", "fler än 64 delar" },
        { "DTD with an external entity in a sheet", "DTD" },
        { "DTD with nested entities in the content types", "DTD" },
        { "not a zip", "går inte att packa upp" },
        { "zip that is no workbook", "ingen arbetsbok" },
        { "huge sheet", "fler än 1000 rader" },
        { "wrong sheet names", "saknar bladet ”survey”" },
        { "empty file", "Välj en fil" },
    };

    [Theory]
    [MemberData(nameof(Uploads))]
    public async Task A_hostile_upload_gets_400_with_a_message_and_stores_nothing(string kind, string message)
    {
        var admin = await AdminAsync();
        var workbook = await ExportAsync(admin);
        var file = kind switch
        {
            "zip bomb" => XlsFormFile.WithEntry(workbook, "xl/media/image1.bin", new byte[40 * 1024 * 1024], CompressionLevel.SmallestSize),
            "zip bomb with a lying header" => LyingBomb(),
            "zip of many entries" => ManyEntries(),
            "DTD with an external entity in a sheet" => XlsFormFile.WithEntry(workbook, SheetEntry, ExternalEntity(XlsFormFile.EntryText(workbook, SheetEntry))),
            "DTD with nested entities in the content types" => XlsFormFile.WithEntry(workbook, "[Content_Types].xml", Laughs(XlsFormFile.EntryText(workbook, "[Content_Types].xml"))),
            "not a zip" => [(byte)'P', (byte)'K', 3, 4, .. RandomNumberGenerator.GetBytes(2000)],
            "zip that is no workbook" => NotAWorkbook(),
            "huge sheet" => await HugeSheetAsync(workbook),
            "wrong sheet names" => await RenamedAsync(workbook),
            _ => [],
        };
        Assert.True(file.Length <= RequestLimits.MaxImportFileBytes, $"{kind}: {file.Length} bytes");
        var before = await CountQuestionnairesAsync();

        using var response = await QuestionnaireImportTests.ImportAsync(admin, file, "hostile.xlsx");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        var problems = (await HtmlForm.ParseAsync(response)).QuerySelector("#problems")?.TextContent ?? "";
        Assert.True(problems.Length > 0, body);
        Assert.Contains(message, problems, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", body, StringComparison.Ordinal);
        Assert.Equal(before, await CountQuestionnairesAsync());
    }

    [Fact]
    public async Task The_import_takes_a_large_xlsform_past_the_sites_form_limit_and_refuses_a_larger_upload_with_its_page()
    {
        var admin = await AdminAsync();
        var form = XlsFormFile.Read(await ExportAsync(admin));
        form.Set("settings", form["settings"][1], "form_id", "hostile-large");
        // Text that does not compress, so that the file is as large as a long questionnaire really gets.
        for (var i = 0; i < 170; i++)
        {
            form["survey"].Insert(2, ["select_one scale", $"long_{i}", Convert.ToHexString(RandomNumberGenerator.GetBytes(240)), Convert.ToHexString(RandomNumberGenerator.GetBytes(240)), "", "", "yes"]);
        }
        var large = await form.WriteAsync();
        Assert.InRange(large.Length, RequestLimits.MaxBodyBytes + 1, RequestLimits.MaxImportFileBytes);

        using (var imported = await QuestionnaireImportTests.ImportAsync(admin, large, "large.xlsx"))
        {
            Assert.Equal(HttpStatusCode.Redirect, imported.StatusCode);
            Assert.Equal("/admin/questionnaires/hostile-large/1", imported.Headers.Location?.OriginalString);
        }

        var before = await CountQuestionnairesAsync();
        using (var oversized = await QuestionnaireImportTests.ImportAsync(admin, RandomNumberGenerator.GetBytes((int)RequestLimits.MaxImportBodyBytes + 1), "oversized.xlsx"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, oversized.StatusCode);
            var page = await HtmlForm.ParseAsync(oversized);
            Assert.Contains("Filen är större än 256 kB.", page.QuerySelector("#problems")!.TextContent, StringComparison.Ordinal);
        }
        Assert.Equal(before, await CountQuestionnairesAsync());

        // The larger limit is the import's alone, and only behind the sign-in: elsewhere the site's form limit holds.
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = site.BaseAddress };
        using (var content = new MultipartFormDataContent { { new ByteArrayContent(large), "file", "large.xlsx" } })
        using (var notSignedIn = await anonymous.PostAsync(RequestLimits.ImportPath, content))
        {
            Assert.Equal(HttpStatusCode.Redirect, notSignedIn.StatusCode);
            Assert.StartsWith("/admin/login", notSignedIn.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }
        // With "Expect: 100-continue" the body waits for the site's answer: sent at once, it could still be on its way
        // when Kestrel answered 413 and closed the connection, which the client then saw as a response cut short.
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/admin/rounds/new") { Content = new MultipartFormDataContent { { new ByteArrayContent(large), "file", "large.xlsx" } } })
        {
            request.Headers.ExpectContinue = true;
            using var elsewhere = await admin.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, elsewhere.StatusCode);
        }
        Assert.Equal(before, await CountQuestionnairesAsync());
    }

    [Fact]
    public async Task The_spreadsheet_library_itself_refuses_a_DTD_too()
    {
        // The upload check reads every part with DTDs prohibited before the library sees it; this is what the library
        // does on its own, should that check ever be bypassed.
        var plain = new XlsFormFile();
        plain.Sheets.Add(("survey", [["type"]]));
        var workbook = await plain.WriteAsync();
        var file = XlsFormFile.WithEntry(workbook, SheetEntry, ExternalEntity(XlsFormFile.EntryText(workbook, SheetEntry)));
        using var document = SpreadsheetDocument.Open(new MemoryStream(file), false);
        var part = document.WorkbookPart!.WorksheetParts.Single();
        var refused = Assert.ThrowsAny<System.Xml.XmlException>(() => _ = part.Worksheet.InnerXml);
        Assert.Contains("DTD", refused.Message, StringComparison.Ordinal);
    }

    private async Task<HttpClient> AdminAsync()
    {
        await site.ReadyAsync();
        var admin = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = site.BaseAddress };
        using var signedIn = await admin.LoginAsync(HostileRequests.AdminName, HostileRequests.AdminPassword);
        Assert.Equal("/admin", signedIn.Headers.Location?.OriginalString);
        return admin;
    }

    private static async Task<byte[]> ExportAsync(HttpClient admin)
    {
        var shipped = ShippedQuestionnaires.Newest;
        using var export = await admin.GetAsync($"/admin/questionnaires/{shipped.Key}/{shipped.Version}.xlsx");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        return await export.Content.ReadAsByteArrayAsync();
    }

    private async Task<int> CountQuestionnairesAsync()
    {
        await using var db = site.Db();
        return await db.Questionnaires.CountAsync();
    }

    /// <summary>The sheet with a DTD that reads a file of the server into a cell, as an XXE attack does.</summary>
    private static string ExternalEntity(string sheet)
    {
        var start = sheet.IndexOf("<worksheet", StringComparison.Ordinal);
        return sheet[..start] + "<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>" + sheet[start..].Replace(">type<", ">&xxe;<", StringComparison.Ordinal);
    }

    /// <summary>Entities that expand into each other (the "billion laughs").</summary>
    private static string Laughs(string xml)
    {
        var start = xml.IndexOf("<Types", StringComparison.Ordinal);
        var entities = string.Concat(Enumerable.Range(1, 9).Select(i => $"<!ENTITY l{i} \"&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};\">"));
        return xml[..start] + $"<!DOCTYPE Types [<!ENTITY l0 \"lol\">{entities}]>" + xml[start..].Replace("</Types>", "<x>&l9;</x></Types>", StringComparison.Ordinal);
    }

    /// <summary>A zip whose headers claim that its one entry inflates to 100 bytes, while it inflates to 20 MB.</summary>
    private static byte[] LyingBomb()
    {
        using var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = archive.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            entry.Write(Encoding.ASCII.GetBytes("<worksheet>"));
            entry.Write(new byte[20 * 1024 * 1024].Select(_ => (byte)' ').ToArray());
            entry.Write(Encoding.ASCII.GetBytes("</worksheet>"));
        }
        var zip = stream.ToArray();
        var declared = BitConverter.GetBytes(100);
        // The uncompressed size: at offset 22 of the local header, and at offset 24 of the central directory's entry.
        declared.CopyTo(zip, 22);
        var central = zip.AsSpan().LastIndexOf("PK\u0001\u0002"u8);
        declared.CopyTo(zip, central + 24);
        return zip;
    }

    private static byte[] ManyEntries()
    {
        using var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < 2000; i++)
            {
                archive.CreateEntry($"x/{i}.xml");
            }
        }
        return stream.ToArray();
    }

    private static byte[] NotAWorkbook()
    {
        using var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = new StreamWriter(archive.CreateEntry("questionnaire.json").Open());
            entry.Write(QuestionnaireDefinition.Embedded().First().Json);
        }
        return stream.ToArray();
    }

    private static async Task<byte[]> HugeSheetAsync(byte[] workbook)
    {
        var form = XlsFormFile.Read(workbook);
        for (var i = 0; i < 3000; i++)
        {
            form["survey"].Insert(2, ["select_one scale", $"s{i}", "Ett", "One", "", "", "yes"]);
        }
        return await form.WriteAsync();
    }

    private static async Task<byte[]> RenamedAsync(byte[] workbook)
    {
        var form = XlsFormFile.Read(workbook);
        form.Sheets[0] = ("Blad1", form.Sheets[0].Rows);
        return await form.WriteAsync();
    }
}
