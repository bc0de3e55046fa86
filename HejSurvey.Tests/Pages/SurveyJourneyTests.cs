using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Tests.Pages;

/// <summary>The respondent's journey through the real site and a real SQLite file.</summary>
public abstract class SurveyJourneyTests(SiteFactory site)
{
    public sealed class OnSqlite(SiteFactory site) : SurveyJourneyTests(site), IClassFixture<SiteFactory>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresSiteFactory site) : SurveyJourneyTests(site), IClassFixture<PostgresSiteFactory>;

    internal static readonly QuestionnaireDefinition Questionnaire = ShippedQuestionnaires.Newest;

    /// <summary>A complete answer: every statement 1–5 or "don't know" in turn, each background question its first option.</summary>
    internal static Dictionary<string, string> CompleteAnswers()
    {
        var answers = new Dictionary<string, string>();
        var i = 0;
        foreach (var statement in Questionnaire.Statements)
        {
            answers[statement.Key] = (i++ % 6).ToString(CultureInfo.InvariantCulture);
        }
        foreach (var question in Questionnaire.Background)
        {
            answers[question.Key] = question.Options[0].Value.ToString(CultureInfo.InvariantCulture);
        }
        return answers;
    }

    internal static async Task<HttpResponseMessage> AnswerAsync(HttpClient browser, string slug, IEnumerable<KeyValuePair<string, string>> answers)
    {
        var form = await browser.GetPageAsync($"/survey/{slug}");
        return await browser.PostFormAsync($"/survey/{slug}", HtmlForm.HiddenFields(form).Concat(answers));
    }

    private async Task<int> StoredResponsesAsync(Round round)
    {
        await using var db = site.Db();
        return await db.Responses.CountAsync(r => r.RoundId == round.Id);
    }

    [Fact]
    public async Task A_complete_answer_is_stored_exactly_and_thanked_after_the_commit()
    {
        var round = await site.CreateRoundAsync("journey-happy");
        var browser = site.Browser();
        var answers = CompleteAnswers();
        answers[Questionnaire.FreeText.Key] = "Mer tid för prövande – och åäö!";

        using var response = await AnswerAsync(browser, round.Slug, answers);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/survey/{round.Slug}/thanks", response.Headers.Location?.OriginalString);
        await using var db = site.Db();
        var stored = await db.Responses.Include(r => r.Answers).SingleAsync(r => r.RoundId == round.Id);
        Assert.Equal("Mer tid för prövande – och åäö!", stored.FreeText);
        Assert.Equal(
            answers.Where(a => a.Key != Questionnaire.FreeText.Key).OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => (a.Key, int.Parse(a.Value, CultureInfo.InvariantCulture))),
            stored.Answers.OrderBy(a => a.QuestionKey, StringComparer.Ordinal).Select(a => (a.QuestionKey, a.Value)));
        Assert.Equal(1, (await db.Rounds.SingleAsync(r => r.Id == round.Id)).ResponseCount);
        Assert.Equal(1, (await site.TalliesAsync(round.Id)).Counts.Where(c => c.Key.Group == "" && c.Key.Question == "lead_drive").Sum(c => c.Value));

        var thanks = await browser.GetPageAsync($"/survey/{round.Slug}/thanks");
        Assert.Contains("Tack för dina svar", thanks.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_thank_you_page_is_the_same_for_everyone_of_a_language_and_comes_from_the_cache()
    {
        var round = await site.CreateRoundAsync("journey-thanks");
        using var first = await site.Browser().GetAsync($"/survey/{round.Slug}/thanks");
        using var second = await site.Browser().GetAsync($"/survey/{round.Slug}/thanks");
        using var english = await site.Browser().GetAsync($"/survey/{round.Slug}/thanks?culture=en");

        Assert.False(first.Headers.Contains("Set-Cookie"));
        Assert.True(second.Headers.Age.HasValue, "the second respondent's page came from the cache");
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.False(english.Headers.Age.HasValue);
        Assert.Contains("Thank you for your answers", await english.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_form_shows_every_question_as_a_fieldset_grouped_by_theme_with_progress()
    {
        var round = await site.CreateRoundAsync("journey-form");

        var page = await site.Browser().GetPageAsync($"/survey/{round.Slug}");

        var legends = page.QuerySelectorAll("fieldset.question > legend").Select(l => l.TextContent).ToList();
        Assert.Equal(Questionnaire.Statements.Count() + Questionnaire.Background.Count, legends.Count);
        Assert.Contains(legends, l => l.Contains(Questionnaire.Statements.First().Text.Sv, StringComparison.Ordinal));
        foreach (var theme in Questionnaire.Themes)
        {
            var section = page.GetElementById(theme.Key)!;
            Assert.Equal(theme.Statements.Count, section.QuerySelectorAll("fieldset").Length);
            Assert.NotNull(page.QuerySelector($".progress a[href='#{theme.Key}']"));
        }
        Assert.Equal(6, page.QuerySelectorAll("input[name=lead_drive]").Length);
        Assert.NotNull(page.QuerySelector($"textarea[name={Questionnaire.FreeText.Key}][maxlength='2000']"));
        Assert.True(Guid.TryParse(HtmlForm.HiddenFields(page)[SurveyForm.IdempotencyField], out _));
        Assert.Equal("sv", page.DocumentElement.GetAttribute("lang"));
    }

    [Fact]
    public async Task Missing_answers_come_back_with_the_given_answers_kept_and_an_error_summary_linking_to_each_field()
    {
        var round = await site.CreateRoundAsync("journey-missing");
        var answers = CompleteAnswers();
        answers.Remove("lead_goals");
        answers.Remove("role");
        answers[Questionnaire.FreeText.Key] = "Kvar efter felet";

        using var response = await AnswerAsync(site.Browser(), round.Slug, answers);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await HtmlForm.ParseAsync(response);
        var links = page.QuerySelectorAll(".error-summary a").Select(a => a.GetAttribute("href")!).ToList();
        Assert.Equal(["#lead_goals-1", "#role-1"], links);
        foreach (var link in links)
        {
            Assert.NotNull(page.GetElementById(link[1..]));
        }
        Assert.NotNull(page.GetElementById("lead_goals-error"));
        Assert.Contains("Fel:", page.Title, StringComparison.Ordinal);
        Assert.True(page.QuerySelector<IHtmlInputElement>($"input[name=lead_drive][value='{answers["lead_drive"]}']")!.IsChecked);
        Assert.True(page.QuerySelector<IHtmlInputElement>("input[name=orgtype][value='1']")!.IsChecked);
        Assert.Equal("Kvar efter felet", page.QuerySelector<IHtmlTextAreaElement>("textarea")!.Value);
        Assert.Equal(0, await StoredResponsesAsync(round));
    }

    [Fact]
    public async Task Free_text_over_2000_characters_is_refused_with_the_text_kept()
    {
        var round = await site.CreateRoundAsync("journey-long-text");
        var answers = CompleteAnswers();
        answers[Questionnaire.FreeText.Key] = new string('å', 2001);

        using var response = await AnswerAsync(site.Browser(), round.Slug, answers);

        var page = await HtmlForm.ParseAsync(response);
        Assert.Equal(["#speedup"], page.QuerySelectorAll(".error-summary a").Select(a => a.GetAttribute("href")));
        Assert.Equal(2001, page.QuerySelector<IHtmlTextAreaElement>("textarea")!.Value.Length);
        Assert.Equal(0, await StoredResponsesAsync(round));
    }

    [Fact]
    public async Task Line_breaks_count_as_one_character_as_the_browser_counts_them()
    {
        var round = await site.CreateRoundAsync("journey-line-breaks");
        var answers = CompleteAnswers();
        answers[Questionnaire.FreeText.Key] = string.Join("\r\n", Enumerable.Repeat(new string('x', 99), 20));

        using var response = await AnswerAsync(site.Browser(), round.Slug, answers);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(1, await StoredResponsesAsync(round));
    }

    [Fact]
    public async Task A_double_clicked_submit_stores_one_response()
    {
        var round = await site.CreateRoundAsync("journey-double");
        var browser = site.Browser();
        var form = await browser.GetPageAsync($"/survey/{round.Slug}");
        var fields = HtmlForm.HiddenFields(form).Concat(CompleteAnswers()).ToList();

        var both = await Task.WhenAll(browser.PostFormAsync($"/survey/{round.Slug}", fields), browser.PostFormAsync($"/survey/{round.Slug}", fields));
        using var again = await browser.PostFormAsync($"/survey/{round.Slug}", fields);

        Assert.All(both.Append(again), r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        Assert.Equal(1, await StoredResponsesAsync(round));
        await using var db = site.Db();
        Assert.Equal(1, (await db.Rounds.SingleAsync(r => r.Id == round.Id)).ResponseCount);
    }

    [Fact]
    public async Task A_browser_that_has_answered_is_told_so_politely_and_cannot_answer_again()
    {
        var round = await site.CreateRoundAsync("journey-once");
        var browser = site.Browser();
        var staleForm = await browser.GetPageAsync($"/survey/{round.Slug}");
        using (var first = await AnswerAsync(browser, round.Slug, CompleteAnswers()))
        {
            Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        }

        var revisit = await browser.GetPageAsync($"/survey/{round.Slug}");
        using var second = await browser.PostFormAsync($"/survey/{round.Slug}", HtmlForm.HiddenFields(staleForm).Concat(CompleteAnswers()));

        Assert.Contains("redan svarat", revisit.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.Null(revisit.QuerySelector("form[method=post]"));
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("redan svarat", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await StoredResponsesAsync(round));
    }

    [Fact]
    public async Task Another_browser_can_answer_the_same_round()
    {
        var round = await site.CreateRoundAsync("journey-two-browsers");

        using var first = await AnswerAsync(site.Browser(), round.Slug, CompleteAnswers());
        using var second = await AnswerAsync(site.Browser(), round.Slug, CompleteAnswers());

        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal(2, await StoredResponsesAsync(round));
    }

    [Fact]
    public async Task The_landing_page_lists_open_rounds_only()
    {
        var open = await site.CreateRoundAsync("landing-open");
        var draft = await site.CreateRoundAsync("landing-draft", RoundState.Draft);
        var closed = await site.CreateRoundAsync("landing-closed", RoundState.Closed);
        var expired = await site.CreateRoundAsync("landing-expired", closesAt: DateTime.UtcNow.AddMinutes(-1));

        var page = await site.Browser().GetPageAsync("/");

        var links = page.QuerySelectorAll("a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains($"/survey/{open.Slug}", links);
        Assert.DoesNotContain($"/survey/{draft.Slug}", links);
        Assert.DoesNotContain($"/survey/{closed.Slug}", links);
        Assert.DoesNotContain($"/survey/{expired.Slug}", links);
    }

    [Fact]
    public async Task English_is_served_on_request_and_remembered_by_the_language_switch()
    {
        var round = await site.CreateRoundAsync("journey-english");
        var browser = site.Browser();

        var english = await browser.GetPageAsync($"/survey/{round.Slug}?culture=en");
        Assert.Equal("en", english.DocumentElement.GetAttribute("lang"));
        Assert.Contains(Questionnaire.Statements.First().Text.En, english.QuerySelector("legend")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Send your answers", english.QuerySelector("button[type=submit]")!.TextContent, StringComparison.Ordinal);

        var swedish = await browser.GetPageAsync($"/survey/{round.Slug}");
        var switchLink = swedish.QuerySelector("a[hreflang=en]")!.GetAttribute("href")!;
        using var switched = await browser.GetAsync(switchLink);
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal($"/survey/{round.Slug}", switched.Headers.Location?.OriginalString);

        var remembered = await browser.GetPageAsync($"/survey/{round.Slug}");
        Assert.Equal("en", remembered.DocumentElement.GetAttribute("lang"));
    }

    [Fact]
    public async Task A_new_form_kept_in_memory_is_never_served_in_the_other_language_or_with_anyone_elses_answers()
    {
        var round = await site.CreateRoundAsync("journey-kept-form");
        var answers = CompleteAnswers();
        answers.Remove("role");
        using var answered = await AnswerAsync(site.Browser(), round.Slug, answers);
        Assert.NotEmpty((await HtmlForm.ParseAsync(answered)).QuerySelectorAll("input:checked"));

        foreach (var (query, language) in new[] { ("", "sv"), ("?culture=en", "en"), ("", "sv"), ("?culture=en", "en") })
        {
            var page = await site.Browser().GetPageAsync($"/survey/{round.Slug}{query}");

            var legends = page.QuerySelectorAll("fieldset.question > legend").Select(l => l.TextContent).ToList();
            Assert.Equal(Questionnaire.Statements.Count() + Questionnaire.Background.Count, legends.Count);
            Assert.Contains(Questionnaire.Statements.Last().Text.In(language), legends[Questionnaire.Statements.Count() - 1], StringComparison.Ordinal);
            Assert.Contains(Questionnaire.Background[0].Options[0].Text.In(language), page.QuerySelector("fieldset.question:not(:has(input[value='0']))")!.TextContent, StringComparison.Ordinal);
            Assert.Empty(page.QuerySelectorAll("input:checked"));
            Assert.Empty(page.QuerySelectorAll(".field-error, .error-summary"));
        }
    }

    [Fact]
    public async Task The_language_switch_never_redirects_to_another_site()
    {
        using var response = await site.Browser().GetAsync("/language/en?returnUrl=//evil.example/");

        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task English_validation_messages_are_in_english()
    {
        var round = await site.CreateRoundAsync("journey-english-errors");
        var browser = site.Browser();
        var form = await browser.GetPageAsync($"/survey/{round.Slug}?culture=en");

        using var response = await browser.PostFormAsync($"/survey/{round.Slug}?culture=en", HtmlForm.HiddenFields(form));

        var page = await HtmlForm.ParseAsync(response);
        Assert.Equal("Choose an answer to statement 1", page.QuerySelector(".error-summary li")!.TextContent.Trim());
        Assert.Equal("Error: Choose an answer", page.QuerySelector("#lead_drive-error")!.TextContent.Trim());
    }

    [Fact]
    public async Task Nothing_identifying_is_stored_with_a_response()
    {
        var round = await site.CreateRoundAsync("journey-privacy");
        var browser = site.Browser();
        using var form = await browser.GetAsync($"/survey/{round.Slug}");
        var token = form.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(RespondentToken.CookieName + "=", StringComparison.Ordinal))
            .Split(';')[0][(RespondentToken.CookieName.Length + 1)..];
        var page = await HtmlForm.ParseAsync(form);
        using var response = await browser.PostFormAsync($"/survey/{round.Slug}", HtmlForm.HiddenFields(page).Concat(CompleteAnswers()));
        await using var db = site.Db();

        var columns = await db.Database.SqlQueryRaw<string>(site.Provider == DatabaseProvider.PostgreSQL
            ? "SELECT column_name AS \"Value\" FROM information_schema.columns WHERE table_name = 'Responses' ORDER BY ordinal_position"
            : "SELECT name AS Value FROM pragma_table_info('Responses')").ToListAsync();
        var stored = await db.Responses.SingleAsync(r => r.RoundId == round.Id);

        Assert.Equal(["Id", "RoundId", "SubmittedOn", "RespondentHash", "IdempotencyKey", "FreeText"], columns);
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow), stored.SubmittedOn, (a, b) => Math.Abs(a.DayNumber - b.DayNumber) <= 1);
        // The browser's token itself is never stored, only its hash salted with the round.
        Assert.NotEqual(token, stored.RespondentHash, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(RespondentToken.Hash(round.Slug, token), stored.RespondentHash);
        Assert.NotEqual(RespondentToken.Hash("another-round", token), stored.RespondentHash);
    }
}
