using System.Globalization;
using HejSurvey.Web.Data;
using HejSurvey.Web.OpenResults;
using HejSurvey.Web.Survey;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HejSurvey.Tests.Pages;

/// <summary>Arranging results: answers stored through the real response writer, then the round closed and published.</summary>
internal static class ResultsSite
{
    public static readonly QuestionnaireDefinition Questionnaire = ShippedQuestionnaires.Newest;

    /// <summary>A complete answer: every statement <paramref name="statements"/>, background as given.</summary>
    public static Dictionary<string, int> Answer(int statements = 3, int orgtype = 1, int role = 1, int size = 1)
    {
        var answers = Questionnaire.Statements.ToDictionary(s => s.Key, _ => statements);
        answers["orgtype"] = orgtype;
        answers["role"] = role;
        answers["size"] = size;
        return answers;
    }

    public static async Task SubmitAsync(this SiteFactory site, Round round, IEnumerable<Dictionary<string, int>> answers)
    {
        var writer = site.Services.GetRequiredService<ResponseWriter>();
        var outcomes = await Task.WhenAll(answers.Select(a => writer.SubmitAsync(
            new SubmittedResponse(round.Id, Questionnaire, Guid.NewGuid().ToString("N"), Guid.NewGuid(), a, null), CancellationToken.None)));
        Assert.All(outcomes, o => Assert.Equal(SubmitOutcome.Stored, o));
    }

    public static async Task SetAsync(this SiteFactory site, Round round, RoundState state, bool published, bool live = false)
    {
        var now = DateTime.UtcNow;
        await using var db = site.Db();
        await db.Rounds.Where(r => r.Id == round.Id).ExecuteUpdateAsync(set => set
            .SetProperty(r => r.State, state)
            .SetProperty(r => r.IsPublished, published)
            .SetProperty(r => r.PublishedAt, r => published ? r.PublishedAt ?? now : r.PublishedAt)
            .SetProperty(r => r.LiveResults, live)
            .SetProperty(r => r.ClosedAt, state == RoundState.Closed ? DateTime.UtcNow : null));
        // As the admin area does when it publishes or closes a round.
        await site.Services.GetRequiredService<IOutputCacheStore>().EvictByTagAsync(ResultsSetup.CacheTag, CancellationToken.None);
    }

    /// <summary>An open round with the answers stored, then closed and published.</summary>
    public static async Task<Round> PublishedRoundAsync(this SiteFactory site, string slug, IEnumerable<Dictionary<string, int>> answers)
    {
        var round = await site.CreateRoundAsync(slug);
        await site.SubmitAsync(round, answers);
        await site.SetAsync(round, RoundState.Closed, published: true);
        return round;
    }

    /// <summary>
    /// Twelve respondents with known answers: lead_drive 1, 2, 2, 3, 3, 3, 4, 4, 5, 5 and two "don't know", the other
    /// leadership statements "don't know", everything else 3; role 1: three people, role 2: four, role 3: five, role 4: no one.
    /// </summary>
    public static IEnumerable<Dictionary<string, int>> KnownAnswers()
    {
        int[] drive = [1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 0, 0];
        int[] role = [1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3];
        for (var i = 0; i < drive.Length; i++)
        {
            var answers = Answer(statements: 3, role: role[i], size: 2);
            foreach (var statement in Questionnaire.Themes.Single(t => t.Key == "leadership").Statements)
            {
                answers[statement.Key] = 0;
            }
            answers["lead_drive"] = drive[i];
            yield return answers;
        }
    }

    public static string Invariant(this double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
