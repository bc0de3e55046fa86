using System.Globalization;
using System.Text.Json;
using Bunit;
using HejSurvey.Web.Components;
using HejSurvey.Web.OpenResults;
using HejSurvey.Web.Survey;
using Microsoft.Extensions.DependencyInjection;

namespace HejSurvey.Tests.Components;

public sealed class StatementChartTests : BunitContext
{
    private static readonly QuestionnaireDefinition Questionnaire = ShippedQuestionnaires.Newest;

    /// <summary>1, 2, 2, 3, 3, 3, 4, 4, 5, 5 and two "don't know": 40 % agree (Wilson 16.8–68.7 %), mean 3.2 (2.26–4.14).</summary>
    private static readonly StatementFigures Known = new(
        "lead_drive", [1, 2, 3, 2, 2], 2, Statistics.Share(4, 10), Statistics.Mean(new Dictionary<int, long> { [1] = 1, [2] = 2, [3] = 3, [4] = 2, [5] = 2 }, 1, 5));

    public StatementChartTests()
    {
        Services.AddLocalization(options => options.ResourcesPath = "Resources");
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("sv-SE");
    }

    private IRenderedComponent<StatementChart> RenderChart(params StatementSeries[] rows) =>
        Render<StatementChart>(parameters => parameters
            .Add(c => c.Id, "lead_drive")
            .Add(c => c.Title, "1. Högsta ledningen driver digitaliseringen.")
            .Add(c => c.Scale, Questionnaire.Scale)
            .Add(c => c.DontKnowLabel, Questionnaire.DontKnow.Text.Sv)
            .Add(c => c.Rows, rows));

    [Fact]
    public void The_distribution_sits_in_a_named_region_the_keyboard_can_reach_to_scroll_it()
    {
        var chart = RenderChart(new StatementSeries("Alla svarande", Known));

        var region = chart.Find("figure > details.distribution > .table-scroll");
        Assert.Equal("region", region.GetAttribute("role"));
        Assert.Equal("0", region.GetAttribute("tabindex"));
        var names = region.GetAttribute("aria-labelledby")!.Split(' ').Select(id => chart.Find($"#{id}").TextContent).ToList();
        Assert.Equal(["1. Högsta ledningen driver digitaliseringen.", "Svaren på påståendet i procent av dem som tog ställning"], names);
    }

    [Fact]
    public void The_first_table_holds_share_mean_and_n_the_second_the_distribution_in_swedish_notation()
    {
        var chart = RenderChart(new StatementSeries("Alla svarande", Known));

        List<string> Cells(string table) => [.. chart.FindAll($"table.{table} tbody tr td").Select(td => string.Join(' ', td.TextContent.Split((char[])[' ', '\n', '\u00a0'], StringSplitOptions.RemoveEmptyEntries)))];
        Assert.Equal(["40 % 17 %–69 %", "3,20 2,26–4,14", "10"], Cells("shares"));
        Assert.Equal(["Grupp", "Instämmer (4–5)", "Medelvärde (1–5)", "n"], chart.FindAll("table.shares thead th").Select(th => th.TextContent));
        Assert.Equal(["10 %", "20 %", "30 %", "20 %", "20 %", "2"], Cells("distribution"));
        Assert.Equal(
            ["Grupp", "Tar helt avstånd", "Tar delvis avstånd", "Varken instämmer eller tar avstånd", "Instämmer delvis", "Instämmer helt", "Vet inte"],
            chart.FindAll("table.distribution thead th").Select(th => th.TextContent));
        chart.Find("table.shares tbody th").MarkupMatches("<th scope=\"row\">Alla svarande</th>");
        // Swedish joins number and sign with a no-break space, so that "%" never starts a line.
        Assert.Contains("40\u00a0%", chart.Find("td[data-figure=agree]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_canvas_is_an_image_with_a_text_alternative_and_its_data_beside_it()
    {
        var chart = RenderChart(new StatementSeries("Alla svarande", Known));

        var canvas = chart.Find("canvas");
        Assert.Equal("img", canvas.GetAttribute("role"));
        Assert.Equal("lead_drive-data", canvas.GetAttribute("data-chart"));
        Assert.Contains("Alla svarande: 40 % instämmer (n = 10)", canvas.GetAttribute("aria-label")!.Replace('\u00a0', ' '), StringComparison.Ordinal);
        var data = JsonDocument.Parse(chart.Find("script#lead_drive-data").TextContent).RootElement;
        Assert.Equal("application/json", chart.Find("script#lead_drive-data").GetAttribute("type"));
        Assert.Equal(["Alla svarande"], data.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal([10.0, 20, 30, 20, 20], data.GetProperty("series").EnumerateArray().Select(s => s.GetProperty("values")[0].GetDouble()));
    }

    [Fact]
    public void A_hidden_group_says_so_shows_no_number_and_stays_out_of_the_chart()
    {
        var chart = RenderChart(new StatementSeries("Alla svarande", Known), new StatementSeries("Chef", null));

        chart.FindAll("table.shares tbody tr")[1].MarkupMatches(
            "<tr><th scope=\"row\">Chef</th><td colspan=\"3\" class=\"suppressed\" data-suppressed=\"true\">Dold för att skydda små grupper</td></tr>");
        chart.FindAll("table.distribution tbody tr")[1].MarkupMatches(
            "<tr><th scope=\"row\">Chef</th><td colspan=\"6\" class=\"suppressed\" data-suppressed=\"true\">Dold för att skydda små grupper</td></tr>");
        var data = chart.Find("script#lead_drive-data").TextContent;
        Assert.DoesNotContain("Chef", data, StringComparison.Ordinal);
        Assert.DoesNotContain("Chef", chart.Find("canvas").GetAttribute("aria-label"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_hidden_cell_of_a_shown_group_says_so_shows_no_number_and_stays_out_of_the_chart()
    {
        var chart = RenderChart(new StatementSeries("Alla svarande", Known), new StatementSeries("Region", StatementFigures.Hidden("lead_drive")));

        chart.FindAll("table.shares tbody tr")[1].MarkupMatches(
            "<tr><th scope=\"row\">Region</th><td colspan=\"3\" class=\"suppressed\" data-suppressed=\"true\">Dold för att skydda enskilda svar</td></tr>");
        chart.FindAll("table.distribution tbody tr")[1].MarkupMatches(
            "<tr><th scope=\"row\">Region</th><td colspan=\"6\" class=\"suppressed\" data-suppressed=\"true\">Dold för att skydda enskilda svar</td></tr>");
        Assert.DoesNotContain("Region", chart.Find("script#lead_drive-data").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Shares_in_the_table_and_the_chart_are_rounded_alike_from_the_counts_halves_away_from_zero()
    {
        // 1 of 8 is 12.5 %, 3 of 8 is 37.5 %: 13 % and 38 %, in the table and in the chart data alike.
        var eighths = new StatementFigures("lead_drive", [1, 3, 1, 2, 1], 0, Statistics.Share(3, 8), Statistics.Mean(new Dictionary<int, long> { [1] = 1, [2] = 3, [3] = 1, [4] = 2, [5] = 1 }, 1, 5));
        var chart = RenderChart(new StatementSeries("Alla svarande", eighths));

        var cells = chart.FindAll("table.distribution tbody tr td").Take(5).Select(td => td.TextContent.Replace('\u00a0', ' ')).ToList();
        Assert.Equal(["13 %", "38 %", "13 %", "25 %", "13 %"], cells);
        var data = JsonDocument.Parse(chart.Find("script#lead_drive-data").TextContent).RootElement;
        Assert.Equal([13.0, 38, 13, 25, 13], data.GetProperty("series").EnumerateArray().Select(s => s.GetProperty("values")[0].GetDouble()));
        Assert.StartsWith("38 %", chart.Find("td[data-figure=agree]").TextContent.Replace('\u00a0', ' '), StringComparison.Ordinal);
    }

    [Fact]
    public void With_every_group_hidden_there_is_no_chart_only_the_table()
    {
        var chart = RenderChart(new StatementSeries("Alla svarande", null));

        Assert.Empty(chart.FindAll("canvas"));
        Assert.Empty(chart.FindAll("script"));
        Assert.Equal("true", chart.Find("tbody td").GetAttribute("data-suppressed"));
    }

    [Fact]
    public void English_readers_get_english_headings_and_decimal_points()
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");

        var chart = RenderChart(new StatementSeries("All respondents", Known));

        Assert.Equal("3.20 2.26–4.14", string.Join(' ', chart.Find("td[data-figure=mean]").TextContent.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Contains(chart.FindAll("thead th"), th => th.TextContent == "Agree (4–5)");
        Assert.Contains("40%", chart.Find("td[data-figure=agree]").TextContent, StringComparison.Ordinal);
        Assert.Contains(chart.FindAll("thead th"), th => th.TextContent == "Completely agree");
    }
}
