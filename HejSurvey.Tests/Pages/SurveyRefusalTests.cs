using System.Net;
using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static HejSurvey.Tests.Pages.SurveyJourneyTests;

namespace HejSurvey.Tests.Pages;

/// <summary>Bad input gets a clear answer and changes nothing: no 500, no row stored.</summary>
public abstract class SurveyRefusalTests(SiteFactory site)
{
    public sealed class OnSqlite(SiteFactory site) : SurveyRefusalTests(site), IClassFixture<SiteFactory>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresSiteFactory site) : SurveyRefusalTests(site), IClassFixture<PostgresSiteFactory>;

    private async Task AssertNothingStoredAsync(Round round)
    {
        await using var db = site.Db();
        Assert.Equal(0, await db.Responses.CountAsync(r => r.RoundId == round.Id));
        Assert.Empty((await site.TalliesAsync(round.Id)).Counts);
        Assert.Equal(0, (await db.Rounds.SingleAsync(r => r.Id == round.Id)).ResponseCount);
    }

    [Fact]
    public async Task An_unknown_round_is_404_with_a_readable_page()
    {
        var browser = site.Browser();

        using var get = await browser.GetAsync("/survey/no-such-round");
        using var post = await browser.PostFormAsync("/survey/no-such-round", CompleteAnswers());

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Contains("Sidan finns inte", await get.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(post.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"POST answered {post.StatusCode}");
    }

    [Fact]
    public async Task A_closed_round_is_410_and_a_post_to_it_stores_nothing()
    {
        var round = await site.CreateRoundAsync("refuse-closed");
        var browser = site.Browser();
        var form = await browser.GetPageAsync($"/survey/{round.Slug}");
        await using (var db = site.Db())
        {
            await db.Rounds.Where(r => r.Id == round.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.State, RoundState.Closed));
        }
        // Closed behind the site's back, so the form's short-lived copy of the round is dropped as an admin's close would.
        site.Services.GetRequiredService<RoundCache>().Forget(round.Slug);

        using var get = await browser.GetAsync($"/survey/{round.Slug}");
        using var post = await browser.PostFormAsync($"/survey/{round.Slug}", HtmlForm.HiddenFields(form).Concat(CompleteAnswers()));

        Assert.Equal(HttpStatusCode.Gone, get.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, post.StatusCode);
        Assert.Contains("Enkäten är stängd", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertNothingStoredAsync(round);
    }

    [Fact]
    public async Task A_round_whose_close_time_has_passed_refuses_like_a_closed_one()
    {
        var round = await site.CreateRoundAsync("refuse-expired", closesAt: DateTime.UtcNow.AddSeconds(-1));

        using var get = await site.Browser().GetAsync($"/survey/{round.Slug}");

        Assert.Equal(HttpStatusCode.Gone, get.StatusCode);
    }

    [Fact]
    public async Task A_submission_that_reaches_the_writer_after_the_close_time_is_refused_and_closes_the_round()
    {
        var round = await site.CreateRoundAsync("refuse-writer-close", closesAt: DateTime.UtcNow.AddSeconds(-1));
        var writer = site.Services.GetRequiredService<ResponseWriter>();
        var answers = CompleteAnswers().ToDictionary(a => a.Key, a => int.Parse(a.Value, System.Globalization.CultureInfo.InvariantCulture));

        var outcome = await writer.SubmitAsync(new SubmittedResponse(round.Id, SurveyJourneyTests.Questionnaire, new string('a', 64), Guid.NewGuid(), answers, null), CancellationToken.None);

        Assert.Equal(SubmitOutcome.RoundClosed, outcome);
        await AssertNothingStoredAsync(round);
        await using var db = site.Db();
        Assert.Equal(RoundState.Closed, (await db.Rounds.SingleAsync(r => r.Id == round.Id)).State);
        var audit = await db.AuditEntries.SingleAsync(a => a.Detail == $"{round.Slug}: the close time has passed");
        Assert.Equal(("(system)", "round-closed"), (audit.Admin, audit.Action));
        Assert.InRange(audit.At, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task A_draft_round_answers_every_public_route_like_an_unknown_slug_and_shows_no_title()
    {
        // Even marked published with live results (which no admin page allows for a draft), nothing of it is public.
        var round = await site.CreateRoundAsync("refuse-draft", RoundState.Draft, published: true, live: true);
        var twin = await site.CreateRoundAsync("refuse-open-twin");
        var browser = site.Browser();

        foreach (var url in new[]
        {
            $"/survey/{round.Slug}", $"/survey/{round.Slug}/thanks", $"/survey/{round.Slug}?culture=en",
            $"/results/{round.Slug}", $"/results/{round.Slug}/data.csv", $"/results/{round.Slug}/data.json",
            $"/results/{round.Slug}/datapackage.json", $"/api/rounds/{round.Slug}/results",
        })
        {
            using var get = await browser.GetAsync(url);
            Assert.True(get.StatusCode == HttpStatusCode.NotFound, $"{url} answered {(int)get.StatusCode}");
            var body = await get.Content.ReadAsStringAsync();
            Assert.DoesNotContain(round.TitleSv, body, StringComparison.Ordinal);
            Assert.DoesNotContain(round.TitleEn, body, StringComparison.Ordinal);
        }
        // A complete answer with a valid token, taken from the form of an open round.
        var hidden = HtmlForm.HiddenFields(await browser.GetPageAsync($"/survey/{twin.Slug}"));
        using var post = await browser.PostFormAsync($"/survey/{round.Slug}", hidden.Concat(CompleteAnswers()));
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        foreach (var listing in new[] { "/", "/results", "/api/rounds" })
        {
            Assert.DoesNotContain(round.Slug, await browser.GetStringAsync(listing), StringComparison.Ordinal);
        }
        await using var db = site.Db();
        Assert.False(await db.Responses.AnyAsync(r => r.RoundId == round.Id));
    }

    public static TheoryData<string, string> TamperedFields => new()
    {
        { "lead_drive", "7" },
        { "lead_drive", "-1" },
        { "lead_drive", "abc" },
        { "lead_drive", "3.5" },
        { "lead_drive", " 3" },
        { "lead_drive", "99999999999999999999" },
        { "orgtype", "0" },
        { "orgtype", "5" },
        { "not_a_question", "3" },
        { "Answers[0]", "3" },
        { SurveyForm.IdempotencyField, "not-a-guid" },
    };

    [Theory]
    [MemberData(nameof(TamperedFields))]
    public async Task A_value_the_form_cannot_send_is_400_and_stores_nothing(string field, string value)
    {
        var round = await site.CreateRoundAsync($"refuse-tampered-{Guid.NewGuid():N}");
        var answers = CompleteAnswers();
        answers[field] = value;
        var browser = site.Browser();
        var form = await browser.GetPageAsync($"/survey/{round.Slug}");
        var fields = HtmlForm.HiddenFields(form);
        foreach (var (key, given) in answers)
        {
            fields[key] = given;
        }

        using var response = await browser.PostFormAsync($"/survey/{round.Slug}", fields);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Ingenting har sparats", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertNothingStoredAsync(round);
    }

    [Fact]
    public async Task A_duplicated_field_is_400_and_stores_nothing()
    {
        var round = await site.CreateRoundAsync("refuse-duplicate");
        var browser = site.Browser();
        var form = await browser.GetPageAsync($"/survey/{round.Slug}");
        var fields = HtmlForm.HiddenFields(form).Concat(CompleteAnswers()).Append(new("lead_drive", "1"));

        using var response = await browser.PostFormAsync($"/survey/{round.Slug}", fields);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertNothingStoredAsync(round);
    }

    [Fact]
    public async Task A_missing_antiforgery_token_is_400_and_stores_nothing()
    {
        var round = await site.CreateRoundAsync("refuse-antiforgery");
        var browser = site.Browser();
        var form = await browser.GetPageAsync($"/survey/{round.Slug}");
        var fields = HtmlForm.HiddenFields(form).Where(f => f.Key != "__RequestVerificationToken").Concat(CompleteAnswers());

        using var response = await browser.PostFormAsync($"/survey/{round.Slug}", fields);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertNothingStoredAsync(round);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_and_stores_nothing()
    {
        var round = await site.CreateRoundAsync("refuse-huge");
        var browser = site.Browser();
        var form = await browser.GetPageAsync($"/survey/{round.Slug}");
        var fields = HtmlForm.HiddenFields(form).Concat(CompleteAnswers()).Append(new(SurveyJourneyTests.Questionnaire.FreeText.Key, new string('x', 200_000)));

        using var response = await browser.PostFormAsync($"/survey/{round.Slug}", fields);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("för stort", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertNothingStoredAsync(round);
    }

    [Fact]
    public async Task A_body_without_a_declared_length_over_the_limit_is_refused_and_stores_nothing()
    {
        var round = await site.CreateRoundAsync("refuse-huge-chunked");
        var browser = site.Browser();
        var form = await browser.GetPageAsync($"/survey/{round.Slug}");
        var body = string.Join('&', HtmlForm.HiddenFields(form).Concat(CompleteAnswers()).Select(f => $"{f.Key}={Uri.EscapeDataString(f.Value)}")) + "&speedup=" + new string('x', 200_000);
        var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new("application/x-www-form-urlencoded");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/survey/{round.Slug}") { Content = content };
        request.Headers.TransferEncodingChunked = true; // no Content-Length: the limit must hold while the body streams in

        using var response = await browser.SendAsync(request);

        // Kestrel stops the stream at its body limit (413); the test host has no such limit, and there the form
        // reader's value limit refuses it (400). Either way nothing is read past the limit and nothing is stored.
        Assert.True(response.StatusCode is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest, $"answered {response.StatusCode}");
        await AssertNothingStoredAsync(round);
    }

    [Fact]
    public async Task A_form_in_a_charset_the_site_does_not_read_is_415_with_a_readable_page_and_stores_nothing()
    {
        var round = await site.CreateRoundAsync("refuse-charset");
        var browser = site.Browser();
        var form = await browser.GetPageAsync($"/survey/{round.Slug}");
        var content = new FormUrlEncodedContent(HtmlForm.HiddenFields(form).Concat(CompleteAnswers()));
        content.Headers.ContentType = new("application/x-www-form-urlencoded") { CharSet = "utf-7" };

        using var response = await browser.PostAsync($"/survey/{round.Slug}", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var page = await HtmlForm.ParseAsync(response);
        Assert.Equal("Formatet stöds inte", page.QuerySelector("h1")?.TextContent.Trim());
        await AssertNothingStoredAsync(round);
    }
}
