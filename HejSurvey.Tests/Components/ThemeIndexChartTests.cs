using System.Globalization;
using System.Text.Json;
using Bunit;
using HejSurvey.Web.Components;
using HejSurvey.Web.OpenResults;
using HejSurvey.Web.Survey;
using Microsoft.Extensions.DependencyInjection;

namespace HejSurvey.Tests.Components;

public sealed class ThemeIndexChartTests : BunitContext
{
    private static readonly QuestionnaireDefinition Questionnaire = ShippedQuestionnaires.Newest;

    public ThemeIndexChartTests()
    {
        Services.AddLocalization(options => options.ResourcesPath = "Resources");
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("sv-SE");
    }

    /// <summary>Leadership: indices 25, 50, 50, 75, 100 → 60 (24.6–95.4); user focus: nobody on the scale; risk: 10 × 80.</summary>
    private static Dictionary<string, ThemeFigures> Figures() => new()
    {
        ["leadership"] = new("leadership", 5, Statistics.Mean(5, 300, 21250, 0, 100)),
        ["userfocus"] = new("userfocus", 0, null),
        ["risk"] = new("risk", 10, Statistics.Mean(10, 800, 64000, 0, 100)),
    };

    [Fact]
    public void Each_theme_shows_its_index_interval_and_n()
    {
        var chart = Render<ThemeIndexChart>(parameters => parameters
            .Add(c => c.Themes, Questionnaire.Themes)
            .Add(c => c.Rows, [new ThemeSeries("Alla svarande", Figures())]));

        string Cell(string theme) => string.Join(' ', chart.Find($"td[data-theme={theme}]").TextContent.Split((char[])[' ', '\n', '\u00a0'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("60 25–95 n = 5", Cell("leadership"));
        Assert.Equal("n = 0", Cell("userfocus"));
        Assert.Equal("80 80–80 n = 10", Cell("risk"));
        Assert.Equal(["Grupp", "Ledarskap", "Användarfokus", "Risktagande"], chart.FindAll("thead th").Select(th => th.TextContent));

        var data = JsonDocument.Parse(chart.Find("script#themes-data").TextContent).RootElement;
        var values = data.GetProperty("series")[0].GetProperty("values").EnumerateArray().ToList();
        Assert.Equal((60.0, JsonValueKind.Null, 80.0), (values[0].GetDouble(), values[1].ValueKind, values[2].GetDouble()));
        var canvas = chart.Find("canvas");
        Assert.Equal("img", canvas.GetAttribute("role"));
        Assert.Contains("Alla svarande: Ledarskap 60, Användarfokus –, Risktagande 80", canvas.GetAttribute("aria-label"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_hidden_group_has_a_note_across_the_themes_and_no_bars()
    {
        var chart = Render<ThemeIndexChart>(parameters => parameters
            .Add(c => c.Themes, Questionnaire.Themes)
            .Add(c => c.Rows, [new ThemeSeries("Alla svarande", Figures()), new ThemeSeries("Region", null)]));

        chart.FindAll("tbody tr")[1].MarkupMatches(
            "<tr><th scope=\"row\">Region</th><td colspan=\"3\" class=\"suppressed\" data-suppressed=\"true\">Dold för att skydda små grupper</td></tr>");
        Assert.Single(JsonDocument.Parse(chart.Find("script#themes-data").TextContent).RootElement.GetProperty("series").EnumerateArray());
    }

    /// <summary>A group in this round and in the compared one, with the group's own name apart.</summary>
    private static IEnumerable<ThemeSeries> Lines(int groups) =>
        Enumerable.Range(0, groups).Select(g => new ThemeSeries($"2026 · Grupp {g}", Figures()) { Group = $"Grupp {g}" })
            .Concat(Enumerable.Range(0, groups).Select(g => new ThemeSeries($"2025 · Grupp {g}", Figures()) { Group = $"Grupp {g}", Compared = true }));

    [Fact]
    public void More_lines_than_the_palette_has_colours_give_a_small_chart_per_group_and_the_same_table()
    {
        var chart = Render<ThemeIndexChart>(parameters => parameters
            .Add(c => c.Themes, Questionnaire.Themes)
            .Add(c => c.Rows, [.. Lines(5)]));

        var panels = chart.FindAll(".small-multiples .multiple");
        Assert.Equal(5, panels.Count);
        for (var k = 0; k < panels.Count; k++)
        {
            Assert.Equal($"Grupp {k}", panels[k].QuerySelector(".multiple-title")!.TextContent);
            var canvas = panels[k].QuerySelector("canvas")!;
            Assert.Equal(("img", $"themes-{k}-data"), (canvas.GetAttribute("role"), canvas.GetAttribute("data-chart")));
            Assert.Contains($"2025 · Grupp {k}: Ledarskap 60", canvas.GetAttribute("aria-label"), StringComparison.Ordinal);
            var data = JsonDocument.Parse(chart.Find($"script#themes-{k}-data").TextContent).RootElement;
            Assert.Equal([($"2026 · Grupp {k}", false), ($"2025 · Grupp {k}", true)],
                data.GetProperty("series").EnumerateArray().Select(s => (s.GetProperty("label").GetString(), s.GetProperty("compared").GetBoolean())));
        }
        // The whole chart's figures stay for the downloads; the table holds every line as before.
        var whole = JsonDocument.Parse(chart.Find("script#themes-data").TextContent).RootElement;
        Assert.True(whole.GetProperty("multiples").GetBoolean());
        Assert.Equal(10, whole.GetProperty("series").GetArrayLength());
        Assert.Equal(10, chart.FindAll("tbody tr").Count);
    }

    [Fact]
    public void Lines_the_palette_can_hold_share_one_chart()
    {
        var chart = Render<ThemeIndexChart>(parameters => parameters
            .Add(c => c.Themes, Questionnaire.Themes)
            .Add(c => c.Rows, [.. Lines(4)]));

        Assert.Empty(chart.FindAll(".small-multiples"));
        Assert.Equal("themes-data", chart.Find("canvas").GetAttribute("data-chart"));
        Assert.Equal(8, JsonDocument.Parse(chart.Find("script#themes-data").TextContent).RootElement.GetProperty("series").GetArrayLength());
    }
}
