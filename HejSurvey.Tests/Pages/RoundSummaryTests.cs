using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;

namespace HejSurvey.Tests.Pages;

/// <summary>The organisers' summary written on the admin round page, and the stored date of the first publication.</summary>
public abstract class RoundSummaryTests(AdminSiteFactory site)
{
    public sealed class OnSqlite(AdminSiteFactory site) : RoundSummaryTests(site), IClassFixture<AdminSiteFactory>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresAdminSiteFactory site) : RoundSummaryTests(site), IClassFixture<PostgresAdminSiteFactory>;

    [Fact]
    public async Task The_summary_is_saved_audited_and_shown_first_among_the_key_findings_in_the_readers_language()
    {
        var browser = await site.SignedInAsync("summary-both");
        await site.PublishedRoundAsync("summary-both", ResultsSite.KnownAnswers());

        using (var saved = await browser.ChangeRoundAsync("summary-both", "Summary",
            ("Summary.Sv", "Ledningen driver på.\r\n\r\n<b>Men</b> målen är oklara."), ("Summary.En", "  Management leads.  ")))
        {
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        }
        var round = await site.RoundAsync("summary-both");
        Assert.Equal(("Ledningen driver på.\n\n<b>Men</b> målen är oklara.", "Management leads."), (round.SummarySv, round.SummaryEn));
        Assert.Single(await site.AuditAsync("summary-both"), a => a.Action == AuditAction.RoundSummary);

        var reader = site.Browser();
        var page = await reader.GetPageAsync("/results/summary-both");
        var summary = page.QuerySelector("#key-findings #organisers-summary")!;
        // First in the key findings, right after their heading, and marked as the organisers' own words.
        Assert.Same(summary, page.QuerySelector("#key-findings h2")!.NextElementSibling);
        Assert.Equal("Arrangörernas sammanfattning", summary.QuerySelector("h3")!.TextContent);
        // Plain text: each line a paragraph, markup shown as the characters typed.
        Assert.Equal(["Ledningen driver på.", "<b>Men</b> målen är oklara."], summary.QuerySelectorAll("p").Select(p => p.TextContent));
        Assert.Empty(summary.QuerySelectorAll("b"));
        Assert.Null(summary.QuerySelector("[lang]"));

        var english = await reader.GetPageAsync("/results/summary-both?culture=en");
        Assert.Equal("The organisers' summary", english.QuerySelector("#organisers-summary h3")!.TextContent);
        Assert.Equal(["Management leads."], english.QuerySelectorAll("#organisers-summary p").Select(p => p.TextContent));

        // Saving the same text again changes nothing and is not audited a second time.
        using (var same = await browser.ChangeRoundAsync("summary-both", "Summary",
            ("Summary.Sv", "Ledningen driver på.\n\n<b>Men</b> målen är oklara."), ("Summary.En", "Management leads.")))
        {
            Assert.Equal(HttpStatusCode.Conflict, same.StatusCode);
        }
        Assert.Single(await site.AuditAsync("summary-both"), a => a.Action == AuditAction.RoundSummary);

        // Both emptied: no summary at all.
        using (var removed = await browser.ChangeRoundAsync("summary-both", "Summary", ("Summary.Sv", " "), ("Summary.En", "")))
        {
            Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        }
        Assert.Equal((null, null), ((await site.RoundAsync("summary-both")).SummarySv, (await site.RoundAsync("summary-both")).SummaryEn));
        Assert.Null((await reader.GetPageAsync("/results/summary-both")).QuerySelector("#organisers-summary"));
    }

    [Fact]
    public async Task A_summary_in_one_language_only_is_shown_to_every_reader_with_its_language_marked()
    {
        var browser = await site.SignedInAsync("summary-sv");
        await site.PublishedRoundAsync("summary-sv", ResultsSite.KnownAnswers());

        using var saved = await browser.ChangeRoundAsync("summary-sv", "Summary", ("Summary.Sv", "Bara på svenska."), ("Summary.En", ""));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var english = await site.Browser().GetPageAsync("/results/summary-sv?culture=en");
        var text = english.QuerySelector("#organisers-summary [lang]")!;
        Assert.Equal("sv", text.GetAttribute("lang"));
        Assert.Equal("Bara på svenska.", text.TextContent.Trim());
    }

    [Theory]
    [InlineData("", "Sammanfattningen på svenska får vara högst 600 tecken lång; den är 601 tecken.")]
    [InlineData("?culture=en", "The summary in Swedish may be at most 600 characters long; it is 601 characters.")]
    public async Task A_summary_too_long_is_refused_with_a_message_in_the_admins_language_and_nothing_changes(string culture, string message)
    {
        var slug = $"summary-long{culture.Replace("?culture=", "-", StringComparison.Ordinal)}";
        var browser = await site.SignedInAsync(slug);
        await site.PublishedRoundAsync(slug, ResultsSite.KnownAnswers());
        var page = await browser.GetPageAsync($"/admin/rounds/{slug}{culture}");
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        // 600 characters are allowed, with line breaks counted once however the browser sends them.
        using var response = await browser.PostFormAsync($"/admin/rounds/{slug}?handler=Summary{culture.Replace('?', '&')}",
            [new("__RequestVerificationToken", token), new("Summary.Sv", new string('a', 300) + "\r\n" + new string('b', 300)), new("Summary.En", "Fine.")]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await HtmlForm.ParseAsync(response);
        Assert.Equal(message, answer.QuerySelector("#summary-sv-error")!.TextContent);
        Assert.Equal("#summary-sv", answer.QuerySelector("#summary-errors a")!.GetAttribute("href"));
        Assert.Equal("true", answer.QuerySelector("#summary-sv")!.GetAttribute("aria-invalid"));
        Assert.StartsWith(new string('a', 300), answer.QuerySelector("#summary-sv")!.TextContent, StringComparison.Ordinal); // kept for correcting
        var round = await site.RoundAsync(slug);
        Assert.Equal((null, null), (round.SummarySv, round.SummaryEn));
        Assert.DoesNotContain(await site.AuditAsync(slug), a => a.Action == AuditAction.RoundSummary);

        using var fits = await browser.ChangeRoundAsync(slug, "Summary", ("Summary.Sv", new string('a', 299) + "\r\n" + new string('b', 300)));
        Assert.Equal(HttpStatusCode.Redirect, fits.StatusCode);
        Assert.Equal(600, (await site.RoundAsync(slug)).SummarySv!.Length);
    }

    [Fact]
    public async Task A_summary_with_control_characters_is_refused()
    {
        var browser = await site.SignedInAsync("summary-control");
        await site.PublishedRoundAsync("summary-control", ResultsSite.KnownAnswers());

        using var response = await browser.ChangeRoundAsync("summary-control", "Summary", ("Summary.Sv", "Hej"), ("Summary.En", "Bell\u0007"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Sammanfattningen på engelska får bara innehålla text och radbrytningar.", (await HtmlForm.ParseAsync(response)).QuerySelector("#summary-en-error")!.TextContent);
        Assert.Null((await site.RoundAsync("summary-control")).SummarySv);
    }

    [Fact]
    public async Task The_first_publication_is_stored_kept_through_a_withdrawal_and_shown_in_the_page_the_catalogue_and_the_package()
    {
        var browser = await site.SignedInAsync("published-date");
        var round = await site.CreateRoundAsync("published-date");
        await site.SubmitAsync(round, ResultsSite.KnownAnswers());
        using (var closed = await browser.ChangeRoundAsync("published-date", "Close", ("confirmed", "true")))
        {
            Assert.Equal(HttpStatusCode.Redirect, closed.StatusCode);
        }
        Assert.Null((await site.RoundAsync("published-date")).PublishedAt);

        var before = DateTime.UtcNow.AddSeconds(-1);
        using (var published = await browser.ChangeRoundAsync("published-date", "Publish"))
        {
            Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        }
        var first = (await site.RoundAsync("published-date")).PublishedAt!.Value;
        Assert.InRange(first, before, DateTime.UtcNow.AddSeconds(1));

        using (await browser.ChangeRoundAsync("published-date", "Unpublish"))
        {
        }
        await Task.Delay(1100);
        using (await browser.ChangeRoundAsync("published-date", "Publish"))
        {
        }
        Assert.Equal(first, (await site.RoundAsync("published-date")).PublishedAt);

        var reader = site.Browser();
        var page = await reader.GetPageAsync("/results/published-date");
        var stamp = first.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(stamp, page.QuerySelector("meta[property='article:published_time']")!.GetAttribute("content"));
        Assert.Equal(stamp, page.QuerySelector("[data-figure=published] time")!.GetAttribute("datetime"));
        Assert.Contains("Publicerad ", page.QuerySelector(".print-footer")!.TextContent, StringComparison.Ordinal);

        var package = JsonDocument.Parse(await reader.GetStringAsync("/results/published-date/datapackage.json")).RootElement;
        Assert.Equal(stamp, package.GetProperty("created").GetString());

        XNamespace dct = "http://purl.org/dc/terms/";
        XNamespace rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
        var rdfDocument = XDocument.Parse(await reader.GetStringAsync("/catalog.rdf"));
        var dataset = rdfDocument.Descendants().Single(e => e.Attribute(rdf + "about")?.Value.EndsWith("/results/published-date#dataset", StringComparison.Ordinal) == true);
        Assert.Equal(Web.Site.SwedishTime.FromUtc(first).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), dataset.Element(dct + "issued")!.Value);
    }
}
