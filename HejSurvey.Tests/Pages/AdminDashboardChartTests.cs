using System.Globalization;
using System.Text.Json;
using static HejSurvey.Tests.Pages.SurveyJourneyTests;

namespace HejSurvey.Tests.Pages;

/// <summary>The dashboard and the round page chart the responses per day; the round page has the table of the same figures.</summary>
public abstract class AdminDashboardChartTests(AdminSiteFactory site)
{
    public sealed class OnSqlite(AdminSiteFactory site) : AdminDashboardChartTests(site), IClassFixture<AdminSiteFactory>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresAdminSiteFactory site) : AdminDashboardChartTests(site), IClassFixture<PostgresAdminSiteFactory>;

    [Theory]
    [InlineData("/admin", "chart-dashboard")]
    [InlineData("/admin/rounds/chart-round", "chart-round")]
    public async Task Responses_per_day_are_a_chart_with_a_text_alternative_and_the_same_figures_as_the_table(string url, string slug)
    {
        await site.EnsureRoundAsync(slug);
        for (var i = 0; i < 3; i++)
        {
            using var answered = await AnswerAsync(site.Browser(), slug, CompleteAnswers());
        }
        var admin = await site.SignedInAsync($"chart-{Guid.NewGuid():N}");

        var page = await admin.GetPageAsync(url);

        var canvas = page.QuerySelector($"canvas[data-chart='days-{slug}-data']")!;
        Assert.Equal("img", canvas.GetAttribute("role"));
        Assert.Contains("3", canvas.GetAttribute("aria-label"), StringComparison.Ordinal);
        using var chart = JsonDocument.Parse(page.GetElementById($"days-{slug}-data")!.TextContent);
        Assert.Equal("days", chart.RootElement.GetProperty("kind").GetString());
        var chartDays = chart.RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).ToList();
        var chartCounts = chart.RootElement.GetProperty("series")[0].GetProperty("values").EnumerateArray().Select(v => v.GetInt64()).ToList();
        var roundPage = url == "/admin" ? await admin.GetPageAsync($"/admin/rounds/{slug}") : page;
        var table = roundPage.QuerySelectorAll("table.day-table tbody tr")
            .Select(row => (Day: row.QuerySelector("th")!.TextContent, Count: long.Parse(row.QuerySelector("td")!.TextContent, NumberStyles.Integer, CultureInfo.GetCultureInfo("sv-SE"))))
            .ToList();
        Assert.Equal(table.Select(r => r.Day), chartDays);
        Assert.Equal(table.Select(r => r.Count), chartCounts);
        Assert.Equal(3, chartCounts.Sum());
        Assert.NotNull(page.QuerySelector("script[src^='/lib/chart.js/dist/chart.umd.min.js']"));
    }
}
