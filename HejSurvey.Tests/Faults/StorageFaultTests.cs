using System.Diagnostics;
using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using HejSurvey.Tests.Pages;
using HejSurvey.Web.Survey;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Tests.Faults;

/// <summary>
/// When the database cannot take a write (locked by someone else, read-only, full) the respondent gets the
/// 503 page that keeps every answer in the form, nothing is half-stored, and sending again works once the
/// fault is gone: the writer opens a new connection after an error. Faults of SQLite's file (a lock taken by another
/// process, a read-only or full disk), so on SQLite only; PostgreSQL's own faults (a server restart) have their own test.
/// </summary>
public sealed class StorageFaultTests
{
    private static readonly QuestionnaireDefinition Questionnaire = ShippedQuestionnaires.Newest;
    private const string FreeText = "Låt oss pröva <b>fler</b> saker – utan rädsla.";

    [Fact]
    public async Task A_database_locked_longer_than_the_busy_timeout_answers_503_keeps_the_answers_and_recovers()
    {
        using var site = new SiteFactory();
        site.Settings["Survey:BusyTimeoutMs"] = "200";
        var round = await site.CreateRoundAsync("fault-locked");
        var browser = site.Browser();
        var answers = Answers();

        HttpResponseMessage refused;
        await using (var holder = new SqliteConnection(site.ConnectionString))
        {
            await holder.OpenAsync();
            await using (var exclusive = holder.CreateCommand())
            {
                exclusive.CommandText = "BEGIN EXCLUSIVE;";
                await exclusive.ExecuteNonQueryAsync();
            }
            var clock = Stopwatch.StartNew();
            refused = await SurveyJourneyTests.AnswerAsync(browser, round.Slug, answers);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the respondent waited {clock.Elapsed} for the 503");
        }

        await AssertRefusedKeepingAnswersAsync(refused, answers);
        await AssertStoredAsync(site, round.Id, 0);
        await AssertResentFormIsStoredAsync(site, browser, round, refused);
    }

    [Fact]
    public async Task A_read_only_database_answers_503_keeps_the_answers_and_recovers()
    {
        // chmod does not stop root, and the writer's open file would not notice anyway; the immutable flag stops
        // every write, even through files opened before, which is what a file system remounted read-only does.
        Assert.True(Environment.IsPrivilegedProcess || OperatingSystem.IsWindows(),
            "this test makes the database file immutable with chattr, which needs root");
        using var site = new SiteFactory();
        var round = await site.CreateRoundAsync("fault-read-only");
        var browser = site.Browser();
        var answers = Answers();
        await SurveyJourneyTests.AnswerAsync(site.Browser(), round.Slug, Answers()); // one stored before the fault
        var files = new[] { site.DatabasePath, site.DatabasePath + "-wal" }.Where(File.Exists).ToArray();

        HttpResponseMessage refused;
        Chattr("+i", files);
        try
        {
            refused = await SurveyJourneyTests.AnswerAsync(browser, round.Slug, answers);
        }
        finally
        {
            Chattr("-i", files);
        }

        await AssertRefusedKeepingAnswersAsync(refused, answers);
        await AssertStoredAsync(site, round.Id, 1);
        await AssertResentFormIsStoredAsync(site, browser, round, refused, storedBefore: 1);
    }

    [Fact]
    public async Task A_full_disk_answers_503_keeps_the_answers_and_recovers_when_space_is_freed()
    {
        using var site = new SiteFactory();
        // The writer may not grow the file beyond its size when the writer opened it: the disk is full.
        site.Settings["Survey:MaxPageCount"] = "1";
        var round = await site.CreateRoundAsync("fault-full");
        var answers = Answers();

        // Each response carries a long free text, so the free room in the file runs out within a few answers.
        HttpResponseMessage? refused = null;
        HttpClient? refusedBrowser = null;
        var stored = 0;
        for (var i = 0; i < 200 && refused is null; i++)
        {
            var browser = site.Browser();
            var response = await SurveyJourneyTests.AnswerAsync(browser, round.Slug, answers);
            Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.ServiceUnavailable,
                $"answer {i} got {(int)response.StatusCode}");
            if (response.StatusCode == HttpStatusCode.Redirect)
            {
                stored++;
            }
            else
            {
                (refused, refusedBrowser) = (response, browser);
            }
        }
        Assert.NotNull(refused);
        await AssertRefusedKeepingAnswersAsync(refused, answers);
        await AssertStoredAsync(site, round.Id, stored);

        // Space is freed: pages that another table held go back to the file's free list.
        await using (var admin = new SqliteConnection(site.ConnectionString))
        {
            await admin.OpenAsync();
            await using var free = admin.CreateCommand();
            free.CommandText = "CREATE TABLE Spare (Data BLOB); INSERT INTO Spare SELECT zeroblob(3500) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) SELECT i FROM n); DROP TABLE Spare;";
            await free.ExecuteNonQueryAsync();
        }
        await AssertResentFormIsStoredAsync(site, refusedBrowser!, round, refused, stored);
    }

    internal static Dictionary<string, string> Answers()
    {
        var answers = SurveyJourneyTests.CompleteAnswers();
        answers[Questionnaire.FreeText.Key] = FreeText + new string('x', 1500);
        return answers;
    }

    /// <summary>The 503 page says the answers were not saved and shows the form again with every answer in place.</summary>
    internal static async Task AssertRefusedKeepingAnswersAsync(HttpResponseMessage response, IDictionary<string, string> answers)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var page = await HtmlForm.ParseAsync(response);
        Assert.Contains("Dina svar kunde inte sparas just nu", page.QuerySelector("#error-summary")?.TextContent ?? "", StringComparison.Ordinal);
        foreach (var (key, value) in answers)
        {
            if (key == Questionnaire.FreeText.Key)
            {
                Assert.Equal(value, page.QuerySelector<IHtmlTextAreaElement>($"textarea[name={key}]")?.Value);
            }
            else
            {
                Assert.Equal(value, page.QuerySelector<IHtmlInputElement>($"input[name={key}][checked]")?.Value);
            }
        }
    }

    internal static async Task AssertStoredAsync(SiteFactory site, int roundId, int expected)
    {
        await using var db = site.Db();
        var responses = await db.Responses.Where(r => r.RoundId == roundId).Select(r => r.Answers.Count).ToListAsync();
        Assert.Equal(expected, responses.Count);
        Assert.All(responses, count => Assert.Equal(Questionnaire.ChoiceKeys.Count(), count));
        Assert.Equal(expected, (await db.Rounds.SingleAsync(r => r.Id == roundId)).ResponseCount);
    }

    /// <summary>Sends the form of the 503 page again, as the respondent would, and expects the thank-you redirect.</summary>
    private static async Task AssertResentFormIsStoredAsync(SiteFactory site, HttpClient browser, Web.Data.Round round, HttpResponseMessage refused, int storedBefore = 0)
    {
        var page = await HtmlForm.ParseAsync(refused);
        using var resent = await browser.PostFormAsync($"/survey/{round.Slug}", FormValues(page));
        Assert.Equal(HttpStatusCode.Redirect, resent.StatusCode);
        await AssertStoredAsync(site, round.Id, storedBefore + 1);
    }

    /// <summary>What a browser sends for the page's form: hidden fields, checked radio buttons, text areas.</summary>
    internal static List<KeyValuePair<string, string>> FormValues(AngleSharp.Html.Dom.IHtmlDocument page)
    {
        var form = page.QuerySelector<IHtmlFormElement>("form[method=post]")!;
        var values = form.QuerySelectorAll<IHtmlInputElement>("input[type=hidden], input[type=radio][checked]")
            .Select(i => new KeyValuePair<string, string>(i.Name!, i.Value)).ToList();
        values.AddRange(form.QuerySelectorAll<IHtmlTextAreaElement>("textarea").Select(t => new KeyValuePair<string, string>(t.Name!, t.Value)));
        return values;
    }

    private static void Chattr(string flag, string[] files)
    {
        using var process = Process.Start(new ProcessStartInfo("chattr", [flag, .. files]) { RedirectStandardError = true })!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"chattr {flag}: {process.StandardError.ReadToEnd()}");
    }
}
