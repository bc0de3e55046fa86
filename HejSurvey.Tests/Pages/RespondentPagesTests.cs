using System.Net;
using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static HejSurvey.Tests.Pages.SurveyJourneyTests;

namespace HejSurvey.Tests.Pages;

/// <summary>The pages a respondent meets besides the form: closed, already answered, the list of results, the site's icon.</summary>
public abstract class RespondentPagesTests(SiteFactory site)
{
    public sealed class OnSqlite(SiteFactory site) : RespondentPagesTests(site), IClassFixture<SiteFactory>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresSiteFactory site) : RespondentPagesTests(site), IClassFixture<PostgresSiteFactory>;

    [Theory]
    [InlineData("", "Se resultaten", "inte sparats")]
    [InlineData("?culture=en", "See the results", "not been saved")]
    public async Task A_closed_round_links_to_its_published_results_and_speaks_of_unsaved_answers_only_after_a_post(string culture, string resultsLink, string unsaved)
    {
        var round = await site.CreateRoundAsync($"closed-page{culture.Length}");
        var browser = site.Browser();
        var form = await browser.GetPageAsync($"/survey/{round.Slug}{culture}");
        await using (var db = site.Db())
        {
            await db.Rounds.Where(r => r.Id == round.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.State, RoundState.Closed).SetProperty(r => r.IsPublished, true));
        }
        site.Services.GetRequiredService<RoundCache>().Forget(round.Slug);

        using var get = await browser.GetAsync($"/survey/{round.Slug}{culture}");
        using var post = await browser.PostFormAsync($"/survey/{round.Slug}{culture}", HtmlForm.HiddenFields(form).Concat(CompleteAnswers()));

        Assert.Equal((HttpStatusCode.Gone, HttpStatusCode.Gone), (get.StatusCode, post.StatusCode));
        var visitor = await HtmlForm.ParseAsync(get);
        var refused = await HtmlForm.ParseAsync(post);
        foreach (var page in new[] { visitor, refused })
        {
            var link = Assert.Single(page.QuerySelectorAll("main a"), a => a.GetAttribute("href") == $"/results/{round.Slug}");
            Assert.Equal(resultsLink, link.TextContent);
        }
        Assert.DoesNotContain(unsaved, visitor.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(unsaved, refused.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_closed_round_whose_results_are_not_published_has_no_results_link()
    {
        var round = await site.CreateRoundAsync("closed-unpublished", RoundState.Closed);

        using var get = await site.Browser().GetAsync($"/survey/{round.Slug}");

        var page = await HtmlForm.ParseAsync(get);
        Assert.Equal(HttpStatusCode.Gone, get.StatusCode);
        Assert.Empty(page.QuerySelectorAll("main a[href^='/results']"));
        Assert.Equal(["/"], page.QuerySelectorAll("main a").Select(a => a.GetAttribute("href")));
    }

    [Theory]
    [InlineData("", "ett svar per omgång", "privat fönster")]
    [InlineData("?culture=en", "one answer per round", "private window")]
    public async Task The_already_answered_page_explains_one_answer_per_browser_and_what_to_do_on_a_shared_computer(string culture, string rule, string sharedComputer)
    {
        var round = await site.CreateRoundAsync($"answered-page{culture.Length}");
        var browser = site.Browser();
        using (var first = await AnswerAsync(browser, round.Slug, CompleteAnswers()))
        {
            Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        }

        var page = await browser.GetPageAsync($"/survey/{round.Slug}{culture}");

        var text = page.QuerySelector("main")!.TextContent;
        Assert.Contains(rule, text, StringComparison.Ordinal);
        Assert.Contains(sharedComputer, text, StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("form[method=post]"));
    }

    [Fact]
    public async Task The_results_list_shows_the_newest_round_first_with_its_period_and_responses()
    {
        await using (var db = site.Db())
        {
            var questionnaire = await db.Questionnaires.OrderByDescending(q => q.Version).FirstAsync();
            Round Closed(string slug, int year, int responses) => new()
            {
                Slug = slug,
                TitleSv = $"Lista {year}",
                TitleEn = $"List {year}",
                QuestionnaireId = questionnaire.Id,
                State = RoundState.Closed,
                CreatedAt = new DateTime(year, 9, 1, 0, 0, 0, DateTimeKind.Utc),
                OpenedAt = new DateTime(year, 9, 1, 8, 0, 0, DateTimeKind.Utc),
                ClosedAt = new DateTime(year, 10, 15, 8, 0, 0, DateTimeKind.Utc),
                IsPublished = true,
                ResponseCount = responses,
            };
            // The older round is stored last, so that the order cannot come from the order of storing.
            db.Rounds.AddRange(Closed("list-2025", 2025, 1234), Closed("list-2023", 2023, 321));
            await db.SaveChangesAsync();
        }

        var page = await site.Browser().GetPageAsync("/results");

        var cards = page.QuerySelectorAll(".rounds li").Where(li => li.TextContent.Contains("Lista", StringComparison.Ordinal)).ToList();
        Assert.Equal(["Lista 2025", "Lista 2023"], cards.Select(li => li.QuerySelector("h2")!.TextContent.Trim()));
        Assert.Equal("1 234 svar, insamlade från 1 september 2025 till 15 oktober 2025.", cards[0].QuerySelector(".period")!.TextContent.Replace('\u00a0', ' ').Replace('\u202f', ' '));
        Assert.Contains("321 svar", cards[1].QuerySelector(".period")!.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/favicon.ico", "image/x-icon")]
    [InlineData("/favicon.svg", "image/svg+xml")]
    [InlineData("/apple-touch-icon.png", "image/png")]
    public async Task The_site_icon_is_linked_from_every_layout_and_served(string path, string type)
    {
        var round = await site.CreateRoundAsync($"icon-{Path.GetExtension(path)[1..]}");
        var browser = site.Browser();

        using var icon = await browser.GetAsync(path);
        var start = await browser.GetPageAsync("/");
        var survey = await browser.GetPageAsync($"/survey/{round.Slug}");

        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.Equal(type, icon.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty(await icon.Content.ReadAsByteArrayAsync());
        Assert.All(new[] { start, survey }, page => Assert.Contains(page.QuerySelectorAll("head link[rel~=icon], head link[rel=apple-touch-icon]"), l => l.GetAttribute("href") == path));
    }
}
