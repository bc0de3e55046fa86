using System.Globalization;
using System.Net;
using System.Text.Json;
using HejSurvey.Web.Data;

namespace HejSurvey.Tests.Pages;

/// <summary>The method page (quality declaration) of a published round: generated from the round, in both languages.</summary>
public abstract class MethodPageTests(SiteFactory site)
{
    public sealed class OnSqlite(SiteFactory site) : MethodPageTests(site), IClassFixture<SiteFactory>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresSiteFactory site) : MethodPageTests(site), IClassFixture<PostgresSiteFactory>;

    [Theory]
    [InlineData("sv")]
    [InlineData("en")]
    public async Task Every_number_and_question_on_the_method_page_is_the_rounds(string culture)
    {
        await site.PublishedRoundAsync($"method-{culture}", ResultsSite.KnownAnswers());
        var browser = site.Browser();
        var slug = $"method-{culture}";

        var results = await browser.GetPageAsync($"/results/{slug}?culture={culture}");
        Assert.Equal($"/results/{slug}/method", results.QuerySelector("a#method-link")!.GetAttribute("href"));
        var page = await browser.GetPageAsync($"/results/{slug}/method?culture={culture}");
        var api = JsonDocument.Parse(await browser.GetStringAsync($"/api/rounds/{slug}/results")).RootElement;
        var text = page.QuerySelector("main")!.TextContent;

        // The period and the count of responses of the round, and k, in the page's language.
        Assert.Contains(culture == "en" ? "and 12 responses are in the figures" : "och 12 svar ingår i siffrorna", text, StringComparison.Ordinal);
        Assert.Contains(culture == "en" ? "fewer than 5 respondents" : "färre än 5 svarande", text, StringComparison.Ordinal);
        Assert.Contains(culture == "en" ? "no response rate and no weighting" : "ingen svarsfrekvens och ingen viktning", text, StringComparison.Ordinal);
        Assert.Contains(culture == "en" ? "No results were shown while the round was open." : "Inga resultat visades medan omgången var öppen.", text, StringComparison.Ordinal);
        // A difference in the key findings is rounded from the exact shares: the page says so, since it can be a point
        // away from the difference of the two rounded shares printed beside it.
        Assert.Contains(culture == "en" ? "Differences and changes are computed from the exact shares and then rounded" : "Skillnader och förändringar räknas från de exakta andelarna och avrundas sedan", text, StringComparison.Ordinal);

        // Respondents per group: the sizes of the API, or hidden, group by group.
        var rows = page.QuerySelectorAll("table#groups tbody tr").ToList();
        var groups = api.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(groups.Count, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var size = groups[i].GetProperty("size");
            var cell = rows[i].QuerySelectorAll("td")[^1];
            if (size.ValueKind == JsonValueKind.Null)
            {
                Assert.Equal("true", cell.GetAttribute("data-suppressed"));
            }
            else
            {
                Assert.Equal(size.GetInt64().ToString(CultureInfo.InvariantCulture), cell.TextContent.Trim());
            }
        }

        // Every question in full with its scale, in the page's language.
        foreach (var statement in ResultsSite.Questionnaire.Statements)
        {
            Assert.Contains(culture == "en" ? statement.Text.En : statement.Text.Sv, text, StringComparison.Ordinal);
        }
        foreach (var background in ResultsSite.Questionnaire.Background)
        {
            Assert.Contains(culture == "en" ? background.Text.En : background.Text.Sv, text, StringComparison.Ordinal);
        }
        Assert.All(ResultsSite.Questionnaire.Scale, s => Assert.Contains($"{s.Value} = {(culture == "en" ? s.Text.En : s.Text.Sv)}", text, StringComparison.Ordinal));
        Assert.Contains(culture == "en" ? "version 2 of the questionnaire" : "version 2 av enkäten", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_data_package_describes_the_round_with_the_method_text()
    {
        await site.PublishedRoundAsync("method-package", ResultsSite.KnownAnswers());
        var browser = site.Browser();

        var package = JsonDocument.Parse(await browser.GetStringAsync("/results/method-package/datapackage.json")).RootElement;
        var description = package.GetProperty("description").GetString()!;

        Assert.StartsWith("Quality declaration: Round method-package", description, StringComparison.Ordinal);
        Assert.Contains("and 12 responses are in the figures", description, StringComparison.Ordinal);
        Assert.Contains("- All respondents: 12", description, StringComparison.Ordinal);
        Assert.Contains(ResultsSite.Questionnaire.Statements.First().Text.En, description, StringComparison.Ordinal);
        var page = await browser.GetPageAsync("/results/method-package/method?culture=en");
        foreach (var paragraph in page.QuerySelectorAll("main section p"))
        {
            Assert.Contains(paragraph.TextContent.Trim(), description, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_round_that_is_not_published_has_no_method_page()
    {
        var round = await site.CreateRoundAsync("method-hidden", RoundState.Closed);
        using var response = await site.Browser().GetAsync($"/results/{round.Slug}/method");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var unknown = await site.Browser().GetAsync("/results/no-such-round/method");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
