using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using HejSurvey.Tests.Pages;
using HejSurvey.Tests.Security;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using HejSurvey.Web.Site;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HejSurvey.Tests.Faults;

/// <summary>
/// PostgreSQL restarts (<c>pg_ctl -m fast restart</c>) while 16 respondents submit to the site, a real process on that
/// server: whoever's answers cannot be stored gets the 503 page with every answer still in the form, nothing is stored
/// half, every thanked response is stored exactly once, and a few seconds later answers are stored again without the
/// site being restarted. This needs a server the test may restart, never the shared one (see <see cref="RestartablePostgres"/>).
/// </summary>
public sealed class PostgresRestartTests : IDisposable
{
    private const string Slug = "restart";
    private static readonly QuestionnaireDefinition Questionnaire = ShippedQuestionnaires.Newest;
    private readonly string folder = Directory.CreateTempSubdirectory("hejsurvey-restart-").FullName;

    [RestartablePostgresFact]
    public async Task A_fast_restart_during_load_answers_503_keeping_the_answers_stores_nothing_half_and_recovers_by_itself()
    {
        var database = RestartablePostgres.CreateDatabase();
        try
        {
            using var site = new ServerProcess(Path.Combine(folder, "unused.db"), ServerProcess.FreePort());
            site.Environment["Database__Provider"] = "PostgreSQL";
            site.Environment["ConnectionStrings__Survey"] = database;
            site.Environment["DataProtection__CertificatePath"] = TestCertificates.Pfx(folder);
            site.Environment["DataProtection__CertificatePassword"] = TestCertificates.Password;
            await site.StartAsync();
            var roundId = await CreateRoundAsync(database);

            var load = new Load();
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var clients = Enumerable.Range(0, 16).Select(i => Task.Run(() => RespondUntilStoppedAsync(site.BaseAddress, i, load, stop.Token))).ToArray();
            while (load.Thanked.Count < 100 && !stop.IsCancellationRequested)
            {
                await Task.Delay(20);
            }
            Assert.True(load.Thanked.Count >= 100, $"only {load.Thanked.Count} answers were thanked before the restart");

            RestartablePostgres.Restart();
            // The test's own pooled connections died with the server too; the site has to find that out for itself.
            NpgsqlConnection.ClearAllPools();
            var restarted = Stopwatch.StartNew();
            var thankedAtRestart = load.Thanked.Count;
            // Answers are stored again once the pool, the writer and the change listener have found the new server.
            while (load.Thanked.Count < thankedAtRestart + 200 && !stop.IsCancellationRequested)
            {
                await Task.Delay(20);
            }
            var recovered = restarted.Elapsed;
            await stop.CancelAsync();
            await Task.WhenAll(clients);

            Assert.True(load.Thanked.Count >= thankedAtRestart + 200, $"only {load.Thanked.Count - thankedAtRestart} answers were thanked in the {recovered} after the restart");
            Assert.True(load.FirstThankedAfter(restarted) < TimeSpan.FromSeconds(10), $"the first answer after the restart was thanked only after {load.FirstThankedAfter(restarted)}");
            Assert.True(load.Unexpected.IsEmpty, $"answers other than the thanks or the 503 page: {string.Join("; ", load.Unexpected.Take(10))}\n{string.Join("\n", site.Output.Where(line => line.Contains("Exception", StringComparison.Ordinal) || line.TrimStart().StartsWith("at HejSurvey", StringComparison.Ordinal)).Distinct().Take(30))}");
            Assert.False(load.Refused.IsEmpty, "no submission met the restart: nothing shows how a refused one is answered");
            foreach (var (answers, page) in load.Refused)
            {
                await StorageFaultTests.AssertRefusedKeepingAnswersAsync(page, answers);
            }

            await using (var db = PostgresServer.Context(database))
            {
                var stored = await db.Responses.AsNoTracking().Where(r => r.RoundId == roundId).Select(r => new { r.IdempotencyKey, Answers = r.Answers.Count }).ToListAsync();
                var storedKeys = stored.GroupBy(r => r.IdempotencyKey).ToDictionary(g => g.Key, g => g.Count());
                var lost = load.Thanked.Keys.Where(key => !storedKeys.ContainsKey(key)).ToList();
                Assert.True(lost.Count == 0, $"{lost.Count} of {load.Thanked.Count} thanked responses are not stored");
                Assert.All(storedKeys, key => Assert.Equal(1, key.Value));
                Assert.All(stored, response => Assert.Equal(Questionnaire.ChoiceKeys.Count(), response.Answers));
                // Stored but not thanked: only a submission whose commit went through as the server went down, and was refused.
                Assert.All(storedKeys.Keys.Where(key => !load.Thanked.ContainsKey(key)), key => Assert.Contains(key, load.RefusedKeys));
                Assert.Equal(stored.Count, (await db.Rounds.SingleAsync(r => r.Id == roundId)).ResponseCount);
            }
            await using (var connection = new NpgsqlConnection(database))
            {
                await connection.OpenAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                Assert.Empty(await DatabaseCopy.TallyDifferencesAsync(connection, transaction));
            }

            // The respondent sends the 503 page's form again, as it is, and it is stored (or was already).
            var (resent, refusedPage) = load.FirstRefused!.Value;
            using (var again = await resent.PostFormAsync($"/survey/{Slug}", StorageFaultTests.FormValues(await HtmlForm.ParseAsync(refusedPage))))
            {
                Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
            }
            // The change listener listens again, and the site says it is ready.
            await WaitForListenerAsync(database);
            using var health = new HttpClient { BaseAddress = site.BaseAddress };
            using var ready = await health.GetAsync("/healthz/ready");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
        finally
        {
            RestartablePostgres.DropDatabase(database);
        }
    }

    private sealed class Load
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();

        public ConcurrentDictionary<Guid, TimeSpan> Thanked { get; } = new();
        public ConcurrentBag<(Dictionary<string, string> Answers, HttpResponseMessage Page)> Refused { get; } = [];
        public ConcurrentBag<Guid> RefusedKeys { get; } = [];
        public ConcurrentBag<string> Unexpected { get; } = [];

        /// <summary>One refused respondent's browser (with its cookies) and page, to send the form again.</summary>
        public (HttpClient Browser, HttpResponseMessage Page)? FirstRefused { get; set; }

        public void Thank(Guid key) => Thanked[key] = clock.Elapsed;

        public TimeSpan FirstThankedAfter(Stopwatch restarted)
        {
            var restartedAt = clock.Elapsed - restarted.Elapsed;
            return Thanked.Values.Where(at => at > restartedAt).DefaultIfEmpty(TimeSpan.MaxValue).Min() - restartedAt;
        }
    }

    private static async Task RespondUntilStoppedAsync(Uri site, int seed, Load load, CancellationToken stop)
    {
        var random = new Random(seed);
        while (!stop.IsCancellationRequested)
        {
            var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
            {
                BaseAddress = site,
                Timeout = TimeSpan.FromSeconds(30),
            };
            var keep = false;
            try
            {
                using var form = await browser.GetAsync($"/survey/{Slug}", CancellationToken.None);
                if (form.StatusCode != HttpStatusCode.OK)
                {
                    load.Unexpected.Add($"GET {(int)form.StatusCode}");
                    continue;
                }
                var hidden = HtmlForm.HiddenFields(await HtmlForm.ParseAsync(form));
                var answers = SurveyJourneyTests.CompleteAnswers();
                foreach (var statement in Questionnaire.Statements)
                {
                    answers[statement.Key] = random.Next(0, 6).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                var response = await browser.PostFormAsync($"/survey/{Slug}", hidden.Concat(answers));
                var key = Guid.Parse(hidden[Web.Survey.SurveyForm.IdempotencyField]);
                if (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString == $"/survey/{Slug}/thanks")
                {
                    load.Thank(key);
                    response.Dispose();
                }
                else if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    load.Refused.Add((answers, response));
                    load.RefusedKeys.Add(key);
                    lock (load)
                    {
                        if (load.FirstRefused is null)
                        {
                            load.FirstRefused = (browser, response);
                            keep = true;
                        }
                    }
                }
                else
                {
                    load.Unexpected.Add($"POST {(int)response.StatusCode}");
                    response.Dispose();
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                load.Unexpected.Add(ex.Message);
            }
            finally
            {
                if (!keep)
                {
                    browser.Dispose();
                }
            }
        }
    }

    private static async Task WaitForListenerAsync(string database)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = @name AND datname = current_database()", connection);
            command.Parameters.AddWithValue("name", ChangeListener.ApplicationName);
            if ((long)(await command.ExecuteScalarAsync())! == 1)
            {
                return;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the change listener did not listen again within 30 s of the restart");
            await Task.Delay(200);
        }
    }

    private static async Task<int> CreateRoundAsync(string database)
    {
        await using var db = PostgresServer.Context(database);
        return (await SiteFactory.AddRoundAsync(db, Slug)).Id;
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}

/// <summary>
/// A PostgreSQL server that the tests may restart: never the shared one of <see cref="PostgresServer"/>, on which other
/// tests run. <c>HEJSURVEY_TEST_POSTGRES_RESTARTABLE</c> holds a connection string of a role that may create databases,
/// <c>HEJSURVEY_TEST_POSTGRES_RESTART</c> a command that restarts that server fast (<c>pg_ctl -m fast restart</c>, as the
/// server's own user); .ci/run starts such a server of its own and sets both. Without them the test is skipped, and
/// with CI=true it fails instead.
/// </summary>
public static class RestartablePostgres
{
    public const string ServerVariable = "HEJSURVEY_TEST_POSTGRES_RESTARTABLE";
    public const string RestartVariable = "HEJSURVEY_TEST_POSTGRES_RESTART";

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    public static string? SkipReason =>
        (Variable(ServerVariable) is null || Variable(RestartVariable) is null)
        && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? $"No PostgreSQL server to restart: set {ServerVariable} and {RestartVariable} (as .ci/run does) to run this test."
            : null;

    private static string Server => Variable(ServerVariable)
        ?? throw new InvalidOperationException($"CI=true but {ServerVariable} is not set: the restart test needs a server of its own (.ci/run starts one).");

    /// <summary>A new database with every migration applied; its connection string.</summary>
    public static string CreateDatabase()
    {
        var name = $"hejsurvey_restart_{Guid.NewGuid():N}";
        using (var connection = new NpgsqlConnection(Server))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            command.ExecuteNonQuery();
        }
        var database = new NpgsqlConnectionStringBuilder(Server) { Database = name }.ConnectionString;
        using (var db = PostgresServer.Context(database))
        {
            db.Database.Migrate();
        }
        return database;
    }

    public static void DropDatabase(string connectionString)
    {
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(Server);
        connection.Open();
        using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(connectionString).Database}\" WITH (FORCE)", connection);
        command.ExecuteNonQuery();
    }

    /// <summary>Runs the restart command and waits for it: the server is up again when it returns.</summary>
    public static void Restart()
    {
        var command = Variable(RestartVariable)
            ?? throw new InvalidOperationException($"CI=true but {RestartVariable} is not set: the restart test needs a way to restart its server.");
        using var process = Process.Start(new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "the restart did not end within a minute");
        Assert.True(process.ExitCode == 0, $"the restart failed ({process.ExitCode}): {output.Result}{errors.Result}");
    }
}

/// <summary>A test that restarts its PostgreSQL server: skipped without one, except on CI (see <see cref="RestartablePostgres"/>).</summary>
public sealed class RestartablePostgresFactAttribute : FactAttribute
{
    public RestartablePostgresFactAttribute()
    {
        if (RestartablePostgres.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
