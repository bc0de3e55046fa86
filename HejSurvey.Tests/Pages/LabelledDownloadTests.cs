using System.Net;
using System.Xml.Linq;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;

namespace HejSurvey.Tests.Pages;

/// <summary>
/// The labelled downloads and the catalogue on the test server, without the programs that open them (those tests are
/// in Programs/): what they say, who may have them, and that unknown or unpublished rounds have none.
/// </summary>
public abstract class LabelledDownloadTests(AdminSiteFactory site)
{
    public sealed class OnSqlite(AdminSiteFactory site) : LabelledDownloadTests(site), IClassFixture<AdminSiteFactory>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresAdminSiteFactory site) : LabelledDownloadTests(site), IClassFixture<PostgresAdminSiteFactory>;

    [Fact]
    public async Task The_syntax_and_the_script_name_the_questionnaire_version_and_label_in_the_admins_language()
    {
        await site.CreateRoundAsync("labels-language");
        var browser = await site.SignedInAsync("labels-language");

        var swedish = await browser.GetStringAsync("/admin/rounds/labels-language/responses.sps");
        var english = await browser.GetStringAsync("/admin/rounds/labels-language/responses.sps?culture=en");
        var script = await browser.GetStringAsync("/admin/rounds/labels-language/responses.R?culture=en");

        Assert.Contains("enkäten hej-digitalt version 2", swedish, StringComparison.Ordinal);
        Assert.Contains("\"Tar helt avstånd\"", swedish, StringComparison.Ordinal);
        Assert.Contains("/FILE=\"labels-language-responses.csv\"", swedish, StringComparison.Ordinal);
        Assert.Contains("questionnaire hej-digitalt version 2", english, StringComparison.Ordinal);
        Assert.Contains("\"Completely disagree\"", english, StringComparison.Ordinal);
        Assert.Contains("MISSING VALUES lead_drive ", english, StringComparison.Ordinal);
        Assert.Contains("ordered = TRUE", script, StringComparison.Ordinal);
        // Letters outside ASCII as escapes, so that R reads them right in any locale.
        Assert.Contains("\"Tar helt avst\\U{e5}nd\"", await browser.GetStringAsync("/admin/rounds/labels-language/responses.R"), StringComparison.Ordinal);
        var audit = await site.AuditAsync("labels-language");
        Assert.Equal(4, audit.Count(a => a.Action == AuditAction.Download && a.Detail!.StartsWith("labels-language/responses.", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task In_the_workbook_a_free_text_formula_is_a_text_cell_dates_and_codes_are_numbers_and_the_header_is_frozen()
    {
        var round = await site.CreateRoundAsync("labels-cells");
        var answers = SurveyJourneyTests.CompleteAnswers();
        answers["speedup"] = "=HYPERLINK(\"http://evil.example\",\"klicka\")";
        using (var answered = await SurveyJourneyTests.AnswerAsync(site.Browser(), round.Slug, answers))
        {
            Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        }
        var browser = await site.SignedInAsync("labels-cells");

        var bytes = await browser.GetByteArrayAsync("/admin/rounds/labels-cells/responses.xlsx");

        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(bytes));
        var sheets = zip.Entries.Where(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal) && e.FullName.EndsWith(".xml", StringComparison.Ordinal))
            .OrderBy(e => e.FullName, StringComparer.Ordinal)
            .Select(e => { using var stream = e.Open(); return XDocument.Load(stream); }).ToList();
        XNamespace x = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        Assert.Equal(3, sheets.Count);
        // No formula anywhere in the workbook.
        Assert.All(sheets, sheet => Assert.Empty(sheet.Descendants(x + "f")));
        var data = sheets[1];
        Assert.Equal("1", (string?)data.Descendants(x + "pane").Single().Attribute("ySplit"));
        var cells = data.Descendants(x + "row").ElementAt(1).Elements(x + "c").ToList();
        // The id, the date (a serial number with a date format) and every code are numbers; the free text is a string.
        Assert.All(cells[..^1], c => Assert.Null((string?)c.Attribute("t")));
        Assert.NotNull((string?)cells[1].Attribute("s"));
        Assert.True(double.TryParse(cells[1].Value, System.Globalization.CultureInfo.InvariantCulture, out var serial) && serial > 45000);
        Assert.NotNull((string?)cells[^1].Attribute("t"));
        Assert.Equal(answers["speedup"], cells[^1].Value);
    }

    [Theory]
    [InlineData("/admin/rounds/labels-nowhere/responses.xlsx")]
    [InlineData("/admin/rounds/labels-nowhere/responses.sps")]
    [InlineData("/admin/rounds/labels-nowhere/responses.R")]
    public async Task A_labelled_download_of_a_round_that_does_not_exist_is_404(string url)
    {
        var browser = await site.SignedInAsync($"labels-missing-{url.Length}-{url[^1]}");

        using var response = await browser.GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_workbook_and_the_catalogue_know_only_published_rounds()
    {
        await site.CreateRoundAsync("labels-unpublished");
        await site.CreateRoundAsync("labels-published", RoundState.Closed, published: true);
        var browser = site.Browser();

        using var hidden = await browser.GetAsync("/results/labels-unpublished/data.xlsx");
        using var shown = await browser.GetAsync("/results/labels-published/data.xlsx");
        using var catalogue = await browser.GetAsync("/catalog.rdf");

        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Equal("application/rdf+xml", catalogue.Content.Headers.ContentType?.MediaType);
        var rdf = XDocument.Parse(await catalogue.Content.ReadAsStringAsync());
        XNamespace dcat = "http://www.w3.org/ns/dcat#";
        XNamespace r = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
        var datasets = rdf.Root!.Elements(dcat + "Dataset").Select(d => (string)d.Attribute(r + "about")!).ToList();
        Assert.Contains("http://localhost/results/labels-published#dataset", datasets);
        Assert.DoesNotContain(datasets, d => d.Contains("labels-unpublished", StringComparison.Ordinal));
    }
}

/// <summary>
/// A public origin that is not an absolute https address stops the site at start, before it names anything with it.
/// Settings checked before the database is opened, so on one provider.
/// </summary>
public sealed class PublicOriginTests
{
    [Theory]
    [InlineData("hejdigitalt.example.se")]
    [InlineData("http://hejdigitalt.example.se")]
    [InlineData("https://hejdigitalt.example.se/results")]
    public void A_public_origin_that_is_not_an_absolute_https_origin_stops_the_site(string origin)
    {
        using var site = new SiteFactory();
        site.Settings["Site:PublicOrigin"] = origin;

        var error = Assert.ThrowsAny<Exception>(() => site.Services);

        Assert.Contains("Site:PublicOrigin", error.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>
/// The publisher's type in the catalogue: a term of the ADMS vocabulary, or nothing; a misspelt term stops the site at
/// start. A setting written into the catalogue as it is, whatever the database, so on one provider.
/// </summary>
public sealed class PublisherTypeTests
{
    private static readonly XNamespace Foaf = "http://xmlns.com/foaf/0.1/";
    private static readonly XNamespace Dct = "http://purl.org/dc/terms/";
    private static readonly XNamespace Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

    [Theory]
    [InlineData("Myndighet")]
    [InlineData("nationalauthority")]
    [InlineData("http://purl.org/adms/publishertype/NationalAuthority")]
    public void A_publisher_type_outside_the_vocabulary_stops_the_site(string type)
    {
        using var site = new SiteFactory();
        site.Settings["Contact:PublisherType"] = type;

        var error = Assert.ThrowsAny<Exception>(() => site.Services);

        Assert.Contains("Contact:PublisherType", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("NationalAuthority", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("LocalAuthority", "http://purl.org/adms/publishertype/LocalAuthority")]
    public async Task The_publisher_carries_its_type_only_when_set(string? type, string? expected)
    {
        using var site = new SiteFactory();
        if (type is not null)
        {
            site.Settings["Contact:PublisherType"] = type;
        }

        using var response = await site.CreateClient().GetAsync("/catalog.rdf");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var publisher = Assert.Single(XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Elements(Foaf + "Agent"));
        Assert.Equal(expected, (string?)publisher.Element(Dct + "type")?.Attribute(Rdf + "resource"));
    }
}
