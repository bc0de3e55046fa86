using System.Net;
using HejSurvey.Tests.Pages;

namespace HejSurvey.Tests.Security;

/// <summary>The survey POST is limited per client address; reading the form is not.</summary>
public sealed class SubmitRateLimitTests
{
    [Fact]
    public async Task Posts_over_the_limit_get_429_with_retry_after_and_a_readable_page_and_store_nothing()
    {
        using var site = new SiteFactory();
        site.Settings["Survey:SubmitPermitsPerMinute"] = "3";
        var round = await site.CreateRoundAsync("limited");
        var browser = site.Browser();
        var page = await browser.GetPageAsync($"/survey/{round.Slug}");
        var incomplete = HtmlForm.HiddenFields(page).ToList(); // no answers: the form comes back, nothing is stored

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await browser.PostFormAsync($"/survey/{round.Slug}", incomplete);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
        using var limited = await browser.PostFormAsync($"/survey/{round.Slug}", HtmlForm.HiddenFields(page).Concat(SurveyJourneyTests.CompleteAnswers()));

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter > TimeSpan.Zero && retryAfter <= TimeSpan.FromMinutes(1), $"Retry-After was {limited.Headers.RetryAfter}");
        var error = await HtmlForm.ParseAsync(limited);
        Assert.Equal("För många förfrågningar", error.QuerySelector("h1")?.TextContent.Trim());
        await using (var db = site.Db())
        {
            Assert.False(db.Responses.Any(r => r.RoundId == round.Id));
        }

        // Reading the form is not limited.
        using var read = await browser.GetAsync($"/survey/{round.Slug}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task By_default_a_hundred_and_twenty_people_behind_one_address_can_all_answer_in_the_same_minute()
    {
        using var site = new SiteFactory();
        var round = await site.CreateRoundAsync("one-office");

        for (var i = 0; i < 120; i++)
        {
            using var response = await SurveyJourneyTests.AnswerAsync(site.Browser(), round.Slug, SurveyJourneyTests.CompleteAnswers());
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"person {i + 1} got {(int)response.StatusCode}");
        }
    }
}
