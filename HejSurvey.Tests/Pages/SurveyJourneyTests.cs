using System.Net;
using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Tests.Pages;

public sealed class SurveyJourneyTests(SiteFactory site) : IClassFixture<SiteFactory>
{
    private static readonly QuestionnaireDefinition Questionnaire = QuestionnaireDefinition.Embedded().Single().Definition;

    /// <summary>A complete answer: every statement 1–5 or "don't know" in turn, each background question its first option.</summary>
    internal static Dictionary<string, string> CompleteAnswers()
    {
        var answers = new Dictionary<string, string>();
        var i = 0;
        foreach (var statement in Questionnaire.Statements)
        {
            answers[statement.Key] = (i++ % 6).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        foreach (var question in Questionnaire.Background)
        {
            answers[question.Key] = question.Options[0].Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return answers;
    }

    internal static async Task<HttpResponseMessage> AnswerAsync(HttpClient browser, string slug, IDictionary<string, string> answers)
    {
        var form = await browser.GetPageAsync($"/survey/{slug}");
        var fields = HtmlForm.HiddenFields(form).Concat(answers);
        return await browser.PostFormAsync($"/survey/{slug}", fields);
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
            answers.Where(a => a.Key != Questionnaire.FreeText.Key).OrderBy(a => a.Key).Select(a => (a.Key, int.Parse(a.Value, System.Globalization.CultureInfo.InvariantCulture))),
            stored.Answers.OrderBy(a => a.QuestionKey).Select(a => (a.QuestionKey, a.Value)));
        Assert.Equal(1, (await db.Rounds.SingleAsync(r => r.Id == round.Id)).ResponseCount);

        var thanks = await browser.GetPageAsync($"/survey/{round.Slug}/thanks");
        Assert.Contains("Tack för dina svar", thanks.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
    }
}
