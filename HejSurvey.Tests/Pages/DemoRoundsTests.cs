using System.Net;
using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HejSurvey.Tests.Pages;

/// <summary>
/// The demo a newcomer meets on `dotnet run`: two published years that can be compared, and this year's open round.
/// The demo and `seed` write SQLite's file directly, and the site seeds only on SQLite, so on SQLite only.
/// </summary>
public sealed class DemoRoundsTests : IClassFixture<SiteFactory>
{
    private readonly SiteFactory site;

    public DemoRoundsTests(SiteFactory site)
    {
        this.site = site;
        lock (site)
        {
            using var db = site.Db();
            if (!db.Rounds.Any())
            {
                DemoRounds.SeedAsync(db, site.Services.GetRequiredService<SurveyConnection>()).GetAwaiter().GetResult();
            }
        }
    }

    [Fact]
    public async Task Each_published_year_has_the_title_and_dates_its_name_says_and_its_responses_fall_within_them()
    {
        await using var db = site.Db();
        var rounds = await db.Rounds.AsNoTracking().OrderBy(r => r.Slug).ToListAsync();

        Assert.Equal([DemoRounds.Earlier, DemoRounds.Published, DemoRounds.Open], rounds.Select(r => r.Slug));
        foreach (var round in rounds)
        {
            var year = round.Slug[^4..];
            Assert.Equal($"Hej digitalt {year}", round.TitleSv);
            Assert.Equal($"Hej digitalt {year}", round.TitleEn);
        }
        foreach (var round in rounds.Where(r => r.State == RoundState.Closed))
        {
            var year = int.Parse(round.Slug[^4..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(round.IsPublished);
            Assert.Equal((year, year), (round.OpenedAt!.Value.Year, round.ClosedAt!.Value.Year));
            var days = await db.Responses.Where(r => r.RoundId == round.Id).GroupBy(_ => 1)
                .Select(g => new { First = g.Min(r => r.SubmittedOn), Last = g.Max(r => r.SubmittedOn), Count = g.Count() }).SingleAsync();
            Assert.InRange(days.First, DateOnly.FromDateTime(round.OpenedAt.Value), DateOnly.FromDateTime(round.ClosedAt.Value));
            Assert.InRange(days.Last, DateOnly.FromDateTime(round.OpenedAt.Value), DateOnly.FromDateTime(round.ClosedAt.Value));
            Assert.Equal(round.ResponseCount, days.Count);
        }
        Assert.Equal(RoundState.Open, rounds.Single(r => r.Slug == DemoRounds.Open).State);
        // Both years were asked the same questionnaire, so that they can be compared.
        Assert.Equal(rounds[0].QuestionnaireId, rounds[1].QuestionnaireId);
    }

    [Fact]
    public async Task The_two_years_really_differ_and_the_results_page_compares_them()
    {
        await using var db = site.Db();
        async Task<double> MeanAsync(string slug)
        {
            var round = await db.Rounds.SingleAsync(r => r.Slug == slug);
            var themes = await db.ThemeTallies.Where(t => t.RoundId == round.Id && t.GroupKey == "").ToListAsync();
            return themes.Sum(t => t.Sum) / themes.Sum(t => t.N);
        }

        var earlier = await MeanAsync(DemoRounds.Earlier);
        var later = await MeanAsync(DemoRounds.Published);
        Assert.True(later - earlier > 0.2, $"2025 ({later:F2}) should be clearly brighter than 2024 ({earlier:F2})");

        using var compared = await site.CreateClient().GetAsync($"/results/{DemoRounds.Published}?compare={DemoRounds.Earlier}");
        Assert.Equal(HttpStatusCode.OK, compared.StatusCode);
        var page = await HtmlForm.ParseAsync(compared);
        Assert.Contains(page.QuerySelectorAll("#compare option"), o => o.GetAttribute("value") == DemoRounds.Earlier);
        Assert.Contains("Hej digitalt 2024", page.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
    }
}

/// <summary>`seed` as a newcomer or the benchmark runs it: a new round is named by --title, not by its slug.</summary>
public sealed class SeedCommandTests(SiteFactory site) : IClassFixture<SiteFactory>
{
    [Fact]
    public async Task Seed_names_a_new_round_by_its_title_and_refuses_an_empty_one()
    {
        using var output = new StringWriter();

        var made = await SyntheticResponses.RunSeedCommandAsync(site.Services, ["seed", "--round", "seed-2027", "--responses", "20", "--title", "Hej digitalt 2027"], output);
        var refused = await SyntheticResponses.RunSeedCommandAsync(site.Services, ["seed", "--round", "seed-untitled", "--responses", "20", "--title", " "], output);

        Assert.Equal((0, 2), (made, refused));
        await using var db = site.Db();
        var round = await db.Rounds.SingleAsync(r => r.Slug == "seed-2027");
        Assert.Equal(("Hej digitalt 2027", "Hej digitalt 2027", 20), (round.TitleSv, round.TitleEn, round.ResponseCount));
        Assert.False(await db.Rounds.AnyAsync(r => r.Slug == "seed-untitled"));
        Assert.Contains("--title", output.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>`seed` writes SQLite's file directly: on PostgreSQL it says so and stores nothing.</summary>
public sealed class SeedCommandOnPostgresTests(PostgresSiteFactory site) : IClassFixture<PostgresSiteFactory>
{
    [PostgresFact]
    public async Task Seed_on_PostgreSQL_is_refused_with_the_way_there_and_stores_nothing()
    {
        using var output = new StringWriter();

        var refused = await SyntheticResponses.RunSeedCommandAsync(site.Services, ["seed", "--round", "seed-on-postgres", "--responses", "20"], output);

        Assert.Equal(2, refused);
        Assert.Contains("copy-database", output.ToString(), StringComparison.Ordinal);
        await using var db = site.Db();
        Assert.False(await db.Rounds.AnyAsync(r => r.Slug == "seed-on-postgres"));
    }
}
