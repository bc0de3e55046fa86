using System.Net;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using HejSurvey.Web.OpenResults;
using HejSurvey.Web.Site;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HejSurvey.Tests.Pages;

public abstract class AdminRoundTests(AdminSiteFactory site)
{
    public sealed class OnSqlite(AdminSiteFactory site) : AdminRoundTests(site), IClassFixture<AdminSiteFactory>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresAdminSiteFactory site) : AdminRoundTests(site), IClassFixture<PostgresAdminSiteFactory>;

    [Fact]
    public async Task A_new_round_needs_a_valid_slug_and_both_titles_and_starts_as_a_draft()
    {
        var browser = await site.SignedInAsync("rounds-new");
        var form = HtmlForm.HiddenFields(await browser.GetPageAsync("/admin/rounds/new"));
        IEnumerable<KeyValuePair<string, string>> Fields(string slug, string titleSv, string titleEn) =>
            form.Where(f => f.Key == "__RequestVerificationToken")
                .Append(new("Input.Slug", slug)).Append(new("Input.TitleSv", titleSv)).Append(new("Input.TitleEn", titleEn))
                .Append(new("Input.QuestionnaireId", "1"));

        using var bad = await browser.PostFormAsync("/admin/rounds/new", Fields("Hej Digitalt!", "", "Hej digital"));
        var badPage = await HtmlForm.ParseAsync(bad);
        var errors = badPage.QuerySelectorAll("#error-summary li a").Select(a => (a.GetAttribute("href"), a.TextContent)).ToList();
        Assert.Equal(["#Input_Slug", "#Input_TitleSv"], errors.Select(e => e.Item1));
        Assert.Contains("små bokstäver", errors[0].TextContent, StringComparison.Ordinal);

        using var good = await browser.PostFormAsync("/admin/rounds/new", Fields("rounds-hej-2027", "Hej digitalt 2027", "Hej digital 2027"));
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        Assert.Equal("/admin/rounds/rounds-hej-2027", good.Headers.Location?.OriginalString);
        using var again = await browser.PostFormAsync("/admin/rounds/new", Fields("rounds-hej-2027", "Igen", "Again"));
        Assert.Contains("finns redan", (await HtmlForm.ParseAsync(again)).QuerySelector("#error-summary")!.TextContent, StringComparison.Ordinal);

        await using var db = site.Db();
        var round = await db.Rounds.SingleAsync(r => r.Slug == "rounds-hej-2027");
        Assert.Equal((RoundState.Draft, "Hej digitalt 2027", "Hej digital 2027"), (round.State, round.TitleSv, round.TitleEn));
        Assert.False(await db.Rounds.AnyAsync(r => r.TitleSv == "Igen"));
        Assert.Contains(await site.AuditAsync("rounds-new"), a => a.Action == AuditAction.RoundCreated && a.Detail == "rounds-hej-2027");
        var page = await browser.GetPageAsync("/admin/rounds/rounds-hej-2027");
        Assert.Equal("Utkast", page.QuerySelector("#state")!.TextContent);
        Assert.Contains("skapad som utkast", page.QuerySelector(".notice")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_shipped_questionnaire_version_is_stored_once_and_a_new_round_is_offered_the_newest()
    {
        var browser = await site.SignedInAsync("rounds-versions");

        // A second start finds every shipped version stored already and stores none again.
        await site.Services.MigrateSurveyDatabaseAsync();
        var page = await browser.GetPageAsync("/admin/rounds/new");

        var newest = ShippedQuestionnaires.Newest;
        var offered = page.QuerySelectorAll("#Input_QuestionnaireId option").Select(o => o.TextContent).ToList();
        Assert.Equal($"{newest.Key} v{newest.Version}", page.QuerySelector("#Input_QuestionnaireId option[selected]")?.TextContent);
        Assert.Contains($"{newest.Key} v{ShippedQuestionnaires.First.Version}", offered);
        await using var db = site.Db();
        var stored = await db.Questionnaires.AsNoTracking().Select(q => new { q.Key, q.Version, q.Definition }).ToListAsync();
        foreach (var (json, definition) in QuestionnaireDefinition.Embedded())
        {
            Assert.Equal(json, Assert.Single(stored, q => q.Key == definition.Key && q.Version == definition.Version).Definition);
        }
    }

    [Fact]
    public async Task A_round_goes_from_draft_to_open_to_closed_and_the_survey_and_results_follow()
    {
        var browser = await site.SignedInAsync("rounds-life");
        var round = await site.CreateRoundAsync("rounds-life", RoundState.Draft);
        var respondent = site.Browser();

        using (var draft = await respondent.GetAsync("/survey/rounds-life"))
        {
            // A draft is not public: it answers as an unknown slug.
            Assert.Equal(HttpStatusCode.NotFound, draft.StatusCode);
        }

        await ExpectChangeAsync(browser, "Open");
        Assert.Equal(RoundState.Open, (await site.RoundAsync(round.Slug)).State);
        using (var open = await respondent.GetAsync("/survey/rounds-life"))
        {
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        }
        using (var stored = await SurveyJourneyTests.AnswerAsync(respondent, round.Slug, SurveyJourneyTests.CompleteAnswers()))
        {
            Assert.Equal(HttpStatusCode.Redirect, stored.StatusCode);
        }

        await ExpectChangeAsync(browser, "Publish");
        Assert.False((await site.RoundAsync(round.Slug)).ResultsVisible); // published, but open and no live results

        await ExpectChangeAsync(browser, "Live", ("on", "true"));
        Assert.True((await site.RoundAsync(round.Slug)).ResultsVisible);

        await ExpectChangeAsync(browser, "Live", ("on", "false"));
        Assert.False((await site.RoundAsync(round.Slug)).ResultsVisible);

        await ExpectChangeAsync(browser, "Close", ("confirmed", "true"));
        var closed = await site.RoundAsync(round.Slug);
        Assert.Equal(RoundState.Closed, closed.State);
        Assert.NotNull(closed.ClosedAt);
        Assert.True(closed.ResultsVisible);
        using (var gone = await site.Browser().GetAsync("/survey/rounds-life"))
        {
            Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        }
        var page = await browser.GetPageAsync("/admin/rounds/rounds-life");
        Assert.Equal(("Stängd", "1", "Ja"), (page.QuerySelector("#state")!.TextContent, page.QuerySelector("#responses")!.TextContent, page.QuerySelector("#visible")!.TextContent));

        await ExpectChangeAsync(browser, "Unpublish");
        Assert.False((await site.RoundAsync(round.Slug)).ResultsVisible);

        Assert.Equal(
            [AuditAction.Login, AuditAction.RoundOpened, AuditAction.ResultsPublished, AuditAction.LiveResultsOn, AuditAction.LiveResultsOff, AuditAction.RoundClosed, AuditAction.ResultsUnpublished],
            (await site.AuditAsync("rounds-life")).Select(a => a.Action));
    }

    [Theory]
    [InlineData(RoundState.Closed, "Open")]
    [InlineData(RoundState.Closed, "Close")]
    [InlineData(RoundState.Closed, "Live")]
    [InlineData(RoundState.Closed, "ClosesAt")]
    [InlineData(RoundState.Open, "Open")]
    [InlineData(RoundState.Draft, "Close")]
    [InlineData(RoundState.Draft, "Publish")]
    [InlineData(RoundState.Draft, "Unpublish")]
    public async Task An_impossible_change_is_refused_with_409_and_changes_nothing(RoundState state, string handler)
    {
        var slug = $"rounds-refuse-{state}-{handler}".ToLowerInvariant();
        var browser = await site.SignedInAsync(slug);
        await site.CreateRoundAsync(slug, state);
        var before = await site.RoundAsync(slug);

        using var response = await browser.ChangeRoundAsync(slug, handler, ("on", "true"), ("ClosesAt", "2099-01-01T12:00"), ("confirmed", "true"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("Ingenting har ändrats", (await HtmlForm.ParseAsync(response)).QuerySelector("#error-summary")!.TextContent, StringComparison.Ordinal);
        var after = await site.RoundAsync(slug);
        Assert.Equal((before.State, before.IsPublished, before.LiveResults, before.ClosesAt, before.OpenedAt), (after.State, after.IsPublished, after.LiveResults, after.ClosesAt, after.OpenedAt));
        Assert.Equal([AuditAction.Login], (await site.AuditAsync(slug)).Select(a => a.Action));
    }

    [Fact]
    public async Task A_change_on_a_round_that_does_not_exist_is_404()
    {
        var browser = await site.SignedInAsync("rounds-missing");
        var token = HtmlForm.HiddenFields(await browser.GetPageAsync("/admin/rounds/new"))["__RequestVerificationToken"];

        using var response = await browser.PostFormAsync("/admin/rounds/rounds-nowhere?handler=Close", [new("__RequestVerificationToken", token), new("confirmed", "true")]);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_change_without_the_antiforgery_token_is_refused()
    {
        var browser = await site.SignedInAsync("rounds-csrf");
        await site.CreateRoundAsync("rounds-csrf");

        using var response = await browser.PostFormAsync("/admin/rounds/rounds-csrf?handler=Close", [new("x", "y")]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(RoundState.Open, (await site.RoundAsync("rounds-csrf")).State);
    }

    [Fact]
    public async Task The_close_time_is_typed_in_Swedish_time_must_lie_ahead_and_can_be_cleared()
    {
        var browser = await site.SignedInAsync("rounds-closes");
        await site.CreateRoundAsync("rounds-closes");

        using var past = await browser.ChangeRoundAsync("rounds-closes", "ClosesAt", ("ClosesAt", "2020-01-01T12:00"));
        Assert.Equal(HttpStatusCode.OK, past.StatusCode);
        Assert.Contains("i framtiden", (await HtmlForm.ParseAsync(past)).QuerySelector(".field-error")!.TextContent, StringComparison.Ordinal);
        Assert.Null((await site.RoundAsync("rounds-closes")).ClosesAt);

        var year = DateTime.UtcNow.Year + 1;
        using (var future = await browser.ChangeRoundAsync("rounds-closes", "ClosesAt", ("ClosesAt", $"{year}-06-30T17:00")))
        {
            Assert.Equal(HttpStatusCode.Redirect, future.StatusCode);
        }
        // 17:00 in Swedish summer time is 15:00 UTC.
        Assert.Equal(new DateTime(year, 6, 30, 15, 0, 0), (await site.RoundAsync("rounds-closes")).ClosesAt);
        var page = await browser.GetPageAsync("/admin/rounds/rounds-closes");
        Assert.Equal($"{year}-06-30T17:00", page.QuerySelector("#closes-at")!.GetAttribute("value"));

        using (var cleared = await browser.ChangeRoundAsync("rounds-closes", "ClosesAt", ("ClosesAt", "")))
        {
            Assert.Equal(HttpStatusCode.Redirect, cleared.StatusCode);
        }
        Assert.Null((await site.RoundAsync("rounds-closes")).ClosesAt);
        Assert.Equal(2, (await site.AuditAsync("rounds-closes")).Count(a => a.Action == AuditAction.RoundClosesAt));
    }

    [Fact]
    public async Task A_close_time_that_is_not_a_time_or_a_live_switch_that_says_neither_changes_nothing()
    {
        var browser = await site.SignedInAsync("rounds-garbled");
        await site.CreateRoundAsync("rounds-garbled", closesAt: new DateTime(2099, 1, 1, 12, 0, 0), live: true);

        using var garbled = await browser.ChangeRoundAsync("rounds-garbled", "ClosesAt", ("ClosesAt", "next tuesday"));
        Assert.Equal(HttpStatusCode.OK, garbled.StatusCode);
        Assert.NotNull((await HtmlForm.ParseAsync(garbled)).QuerySelector(".field-error"));
        using var neither = await browser.ChangeRoundAsync("rounds-garbled", "Live", ("on", "maybe"));
        Assert.Equal(HttpStatusCode.BadRequest, neither.StatusCode);
        using var missing = await browser.ChangeRoundAsync("rounds-garbled", "Live");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);

        var round = await site.RoundAsync("rounds-garbled");
        Assert.Equal((new DateTime(2099, 1, 1, 12, 0, 0), true), (round.ClosesAt, round.LiveResults));
        Assert.DoesNotContain(await site.AuditAsync("rounds-garbled"), a => a.Action is AuditAction.RoundClosesAt or AuditAction.LiveResultsOn or AuditAction.LiveResultsOff);
    }

    [Fact]
    public async Task A_round_whose_close_time_has_passed_is_closed_by_the_round_closer()
    {
        var closesAt = DateTime.UtcNow.AddMinutes(-1);
        await site.CreateRoundAsync("rounds-due", closesAt: closesAt);
        await site.CreateRoundAsync("rounds-not-due", closesAt: DateTime.UtcNow.AddDays(1));

        await site.Services.GetRequiredService<RoundCloser>().CloseDueRoundsAsync(CancellationToken.None);

        var due = await site.RoundAsync("rounds-due");
        Assert.Equal(RoundState.Closed, due.State);
        Assert.Equal(closesAt, due.ClosedAt!.Value, TimeSpan.FromMilliseconds(1));
        Assert.Equal(RoundState.Open, (await site.RoundAsync("rounds-not-due")).State);
        Assert.Contains(await site.AuditAsync(AuditLog.System), a => a.Action == AuditAction.RoundClosed && a.Detail!.StartsWith("rounds-due:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_submission_after_the_close_is_refused_and_nothing_is_stored()
    {
        var browser = await site.SignedInAsync("rounds-late");
        var round = await site.CreateRoundAsync("rounds-late");
        var respondent = site.Browser();
        var form = HtmlForm.HiddenFields(await respondent.GetPageAsync("/survey/rounds-late"));

        await ExpectChangeAsync(browser, "Close", ("confirmed", "true"), slug: "rounds-late");
        using var late = await respondent.PostFormAsync("/survey/rounds-late", form.Concat(SurveyJourneyTests.CompleteAnswers()));

        Assert.Equal(HttpStatusCode.Gone, late.StatusCode);
        Assert.Contains("stängd", (await HtmlForm.ParseAsync(late)).QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        await using var db = site.Db();
        Assert.False(await db.Responses.AnyAsync(r => r.RoundId == round.Id));
        Assert.Equal(0, (await site.RoundAsync("rounds-late")).ResponseCount);
    }

    [Fact]
    public async Task Submissions_racing_with_the_close_are_either_stored_or_refused_never_lost()
    {
        var browser = await site.SignedInAsync("rounds-race");
        var round = await site.CreateRoundAsync("rounds-race");
        var closeToken = (await browser.GetPageAsync("/admin/rounds/rounds-race")).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var posted = new System.Collections.Concurrent.ConcurrentQueue<HttpStatusCode>();
        var storedSoFar = 0;

        // Four new respondents at a time, each getting the form and posting it, until the round turns them away:
        // the stream of submissions runs from before the close until after it, whatever the timing.
        var respondents = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var n = 0; n < 1000; n++)
            {
                var respondent = site.Browser();
                using var form = await respondent.GetAsync("/survey/rounds-race");
                if (form.StatusCode == HttpStatusCode.Gone)
                {
                    return;
                }
                var fields = HtmlForm.HiddenFields(await HtmlForm.ParseAsync(form));
                using var response = await respondent.PostFormAsync("/survey/rounds-race", fields.Concat(SurveyJourneyTests.CompleteAnswers()));
                posted.Enqueue(response.StatusCode);
                if (response.StatusCode != HttpStatusCode.Redirect)
                {
                    return;
                }
                Interlocked.Increment(ref storedSoFar);
            }
        })).ToList();
        for (var waited = 0; Volatile.Read(ref storedSoFar) < 5; waited++)
        {
            Assert.True(waited < 3000, "no submission was stored before the close");
            await Task.Delay(10);
        }
        using (var close = await browser.PostFormAsync("/admin/rounds/rounds-race?handler=Close", [new("__RequestVerificationToken", closeToken), new("confirmed", "true")]))
        {
            Assert.Equal(HttpStatusCode.Redirect, close.StatusCode);
        }
        await Task.WhenAll(respondents);

        Assert.All(posted, s => Assert.Contains(s, new[] { HttpStatusCode.Redirect, HttpStatusCode.Gone }));
        await using var db = site.Db();
        var stored = await db.Responses.CountAsync(r => r.RoundId == round.Id);
        Assert.Equal(posted.Count(s => s == HttpStatusCode.Redirect), stored);
        Assert.Equal(stored, (await site.RoundAsync("rounds-race")).ResponseCount);
        Assert.Equal(RoundState.Closed, (await site.RoundAsync("rounds-race")).State);
    }

    private async Task ExpectChangeAsync(HttpClient browser, string handler, (string, string)? field = null, string slug = "rounds-life")
    {
        using var response = await browser.ChangeRoundAsync(slug, handler, field is { } f ? [f] : []);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/admin/rounds/{slug}", response.Headers.Location?.OriginalString);
    }
}

public abstract class AdminLanguageTests(AdminSiteFactory site)
{
    public sealed class OnSqlite(AdminSiteFactory site) : AdminLanguageTests(site), IClassFixture<AdminSiteFactory>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresAdminSiteFactory site) : AdminLanguageTests(site), IClassFixture<PostgresAdminSiteFactory>;

    [Fact]
    public async Task The_admin_pages_speak_English_when_asked()
    {
        var browser = await site.SignedInAsync("language-en");
        await site.CreateRoundAsync("language-round", RoundState.Draft);

        var dashboard = await browser.GetPageAsync("/admin?culture=en");
        var round = await browser.GetPageAsync("/admin/rounds/language-round?culture=en");

        Assert.Equal("Rounds", dashboard.QuerySelector("h1")!.TextContent);
        Assert.Equal("Draft", round.QuerySelector("#state")!.TextContent);
        Assert.Contains(round.QuerySelectorAll("button"), b => b.TextContent == "Open the round");
    }
}

public abstract class AdminDashboardTests(AdminSiteFactory site)
{
    public sealed class OnSqlite(AdminSiteFactory site) : AdminDashboardTests(site), IClassFixture<AdminSiteFactory>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresAdminSiteFactory site) : AdminDashboardTests(site), IClassFixture<PostgresAdminSiteFactory>;

    [Fact]
    public async Task The_dashboard_lists_each_round_with_its_state_responses_and_responses_per_day()
    {
        await site.CreateRoundAsync("dashboard-open");
        await site.CreateRoundAsync("dashboard-draft", RoundState.Draft);
        for (var i = 0; i < 2; i++)
        {
            using var answer = await SurveyJourneyTests.AnswerAsync(site.Browser(), "dashboard-open", SurveyJourneyTests.CompleteAnswers());
        }
        var browser = await site.SignedInAsync("dashboard");

        var page = await browser.GetPageAsync("/admin");

        var open = page.QuerySelector("#round-dashboard-open")!;
        var draft = page.QuerySelector("#round-dashboard-draft")!;
        Assert.Equal(("Öppen", "2", "2"), (open.QuerySelector(".state")!.TextContent, open.QuerySelector(".today")!.TextContent, open.QuerySelector(".total")!.TextContent));
        Assert.Equal(("Utkast", "0", null), (draft.QuerySelector(".state")!.TextContent, draft.QuerySelector(".total")!.TextContent, draft.QuerySelector(".today")?.TextContent));
        Assert.Equal("enkäten", open.QuerySelector(".public")!.TextContent);
        // The chart's caption is inside the round's own card, directly above its chart; the day table is one click away.
        var figure = open.QuerySelector("figure")!;
        Assert.Equal("Svar per dag: Omgång dashboard-open", figure.QuerySelector("figcaption")!.TextContent);
        Assert.NotNull(figure.QuerySelector("canvas[data-chart='days-dashboard-open-data']"));
        Assert.Null(draft.QuerySelector("figure"));
        Assert.Empty(page.QuerySelectorAll("table.day-table"));
        var roundPage = await browser.GetPageAsync(open.QuerySelector("a[href$='#days']")!.GetAttribute("href")!);
        var days = roundPage.QuerySelector("table.day-table")!;
        var today = DateOnly.FromDateTime(SwedishTime.FromUtc(DateTime.UtcNow)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([(today, "2")], days.QuerySelectorAll("tbody tr").Select(r => (r.QuerySelector("th")!.TextContent, r.QuerySelector("td")!.TextContent)));
    }

    [Fact]
    public async Task A_change_of_publication_empties_the_cached_results()
    {
        var browser = await site.SignedInAsync("dashboard-cache");
        await site.CreateRoundAsync("dashboard-cache");
        var store = site.Services.GetRequiredService<Microsoft.AspNetCore.OutputCaching.IOutputCacheStore>();
        await store.SetAsync("results-page", [1, 2, 3], [ResultsSetup.CacheTag], TimeSpan.FromMinutes(5), CancellationToken.None);
        await store.SetAsync("other-page", [4], ["other"], TimeSpan.FromMinutes(5), CancellationToken.None);

        using var publish = await browser.ChangeRoundAsync("dashboard-cache", "Publish");

        Assert.Equal(HttpStatusCode.Redirect, publish.StatusCode);
        Assert.Null(await store.GetAsync("results-page", CancellationToken.None));
        Assert.NotNull(await store.GetAsync("other-page", CancellationToken.None));
    }
}
