using System.Collections.Concurrent;
using System.Net;
using HejSurvey.Tests.Pages;
using HejSurvey.Web.Data;
using HejSurvey.Web.OpenResults;
using HejSurvey.Web.Survey;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Tests.Faults;

/// <summary>
/// The server is killed (SIGKILL) in the middle of a submission load and started again: every response that was
/// thanked is there, nothing is half-stored, the tallies equal a recount and the database file is intact. On SQLite,
/// whose file the process writes itself; a node killed on PostgreSQL is the several-nodes fault test's.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private static readonly QuestionnaireDefinition Questionnaire = ShippedQuestionnaires.Newest;
    private readonly string folder = Directory.CreateTempSubdirectory("hejsurvey-crash-").FullName;

    [Fact]
    public async Task Every_thanked_response_survives_a_kill_in_the_middle_of_the_load_and_nothing_is_half_stored()
    {
        var databasePath = Path.Combine(folder, "survey.db");
        using var server = new ServerProcess(databasePath, ServerProcess.FreePort());
        await server.StartAsync();
        var roundId = await CreateRoundAsync(databasePath, "crash");

        var thanked = new ConcurrentBag<Guid>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var load = Enumerable.Range(0, 16).Select(i => Task.Run(() => RespondUntilStoppedAsync(server.BaseAddress, i, thanked, stop.Token))).ToArray();
        // Kill once a good number of answers are through, so that batches are being written at that moment.
        while (thanked.Count < 120 && !stop.IsCancellationRequested)
        {
            await Task.Delay(20);
        }
        server.Kill();
        var thankedBeforeKill = thanked.ToHashSet();
        await stop.CancelAsync();
        await Task.WhenAll(load);
        Assert.True(thankedBeforeKill.Count >= 20, $"only {thankedBeforeKill.Count} answers were thanked before the kill");
        var allThanked = thanked.ToHashSet();

        await server.StartAsync();

        await using var db = Db(databasePath);
        var stored = await db.Responses.AsNoTracking().Where(r => r.RoundId == roundId).Include(r => r.Answers).ToListAsync();
        var storedKeys = stored.Select(r => r.IdempotencyKey).ToHashSet();
        var lost = allThanked.Where(key => !storedKeys.Contains(key)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {allThanked.Count} thanked responses are missing after the restart");
        var halfStored = stored.Where(r => r.Answers.Count != Questionnaire.ChoiceKeys.Count()).Select(r => r.Id).ToList();
        Assert.True(halfStored.Count == 0, $"responses without all their answers: {string.Join(", ", halfStored)}");
        Assert.Equal(stored.Count, (await db.Rounds.SingleAsync(r => r.Id == roundId)).ResponseCount);
        await AssertTalliesEqualRecountAsync(db, roundId, stored);

        await using (var connection = new SqliteConnection($"Data Source={databasePath}"))
        {
            await connection.OpenAsync();
            await using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check;";
            Assert.Equal("ok", await check.ExecuteScalarAsync());
        }

        // And the restarted site takes answers again.
        using var browser = NewBrowser(server.BaseAddress);
        using var after = await SurveyJourneyTests.AnswerAsync(browser, "crash", SurveyJourneyTests.CompleteAnswers());
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    private static async Task RespondUntilStoppedAsync(Uri site, int seed, ConcurrentBag<Guid> thanked, CancellationToken stop)
    {
        var random = new Random(seed);
        while (!stop.IsCancellationRequested)
        {
            using var browser = NewBrowser(site);
            try
            {
                var page = await browser.GetPageAsync("/survey/crash");
                var hidden = HtmlForm.HiddenFields(page);
                var answers = SurveyJourneyTests.CompleteAnswers();
                foreach (var statement in Questionnaire.Statements)
                {
                    answers[statement.Key] = random.Next(0, 6).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                using var response = await browser.PostFormAsync("/survey/crash", hidden.Concat(answers));
                if (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString == "/survey/crash/thanks")
                {
                    thanked.Add(Guid.Parse(hidden[SurveyForm.IdempotencyField]));
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or Xunit.Sdk.XunitException)
            {
                // The server is gone: whatever was not thanked does not count.
                await Task.Delay(50, CancellationToken.None);
            }
        }
    }

    /// <summary>Recounts the tallies of the stored responses with the writer's own rules and compares them cell by cell.</summary>
    internal static async Task AssertTalliesEqualRecountAsync(SurveyDb db, int roundId, List<Response> stored)
    {
        var answerCounts = new Dictionary<(int Round, string Group, string Question, int Value), long>();
        var themeSums = new Dictionary<(int Round, string Group, string Theme), (long N, double Sum, double Squares)>();
        foreach (var response in stored)
        {
            var submitted = new SubmittedResponse(roundId, Questionnaire, response.RespondentHash, response.IdempotencyKey,
                response.Answers.ToDictionary(a => a.QuestionKey, a => a.Value), response.FreeText);
            ResponseWriter.Tally(submitted, answerCounts, themeSums);
        }
        // As the results read them: on PostgreSQL with the pending rows no fold has added yet.
        RoundTallies tallies;
        await using (var read = await db.BeginSnapshotAsync(CancellationToken.None))
        {
            tallies = await RoundResults.TalliesAsync(db, roundId, CancellationToken.None);
        }
        Assert.Equal(
            answerCounts.OrderBy(c => c.Key).Select(c => $"{c.Key.Group} {c.Key.Question}={c.Key.Value}: {c.Value}"),
            tallies.Counts.OrderBy(c => c.Key).Select(c => $"{c.Key.Group} {c.Key.Question}={c.Key.Value}: {c.Value}"));
        Assert.Equal(themeSums.Count, tallies.Themes.Count);
        foreach (var tally in tallies.Themes.Values)
        {
            var (n, sum, squares) = themeSums[(roundId, tally.GroupKey, tally.ThemeKey)];
            Assert.Equal(n, tally.N);
            // Sums of doubles added in another order differ in the last bits, so they are compared to a part in a billion.
            Assert.Equal(sum, tally.Sum, Math.Max(1, Math.Abs(sum)) * 1e-9);
            Assert.Equal(squares, tally.SumOfSquares, Math.Max(1, Math.Abs(squares)) * 1e-9);
        }
    }

    private static HttpClient NewBrowser(Uri site) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = site,
            Timeout = TimeSpan.FromSeconds(15),
        };

    private static SurveyDb Db(string path) => new(new DbContextOptionsBuilder<SurveyDb>().UseSqlite($"Data Source={path}").Options);

    private static async Task<int> CreateRoundAsync(string databasePath, string slug)
    {
        await using var db = Db(databasePath);
        return (await SiteFactory.AddRoundAsync(db, slug)).Id;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
