using System.Globalization;
using System.Net;
using System.Text.Json;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using HejSurvey.Web.Site;
using HejSurvey.Web.Survey;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Tests.Pages;

public abstract class AdminDataTests(AdminSiteFactory site)
{
    /// <summary>With the backup file, which is SQLite's (on PostgreSQL backups are the database service's).</summary>
    public sealed class OnSqlite : AdminDataTests, IClassFixture<AdminSiteFactory>
    {
        private readonly AdminSiteFactory site;

        public OnSqlite(AdminSiteFactory site)
            : base(site) => this.site = site;

        [Fact]
        public async Task The_backup_taken_while_answers_arrive_opens_passes_the_integrity_check_and_holds_every_response()
        {
            await AnswerThreeAsync("data-backup", "före säkerhetskopian", "också före", null);
            var browser = await site.SignedInAsync("data-backup");
            var before = Directory.GetFiles(Path.GetTempPath(), "hejsurvey-backup-*").Length;
            using var stop = new CancellationTokenSource();
            var stored = 0;
            var during = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    using var answer = await SurveyJourneyTests.AnswerAsync(site.Browser(), "data-backup", SurveyJourneyTests.CompleteAnswers());
                    Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
                    Interlocked.Increment(ref stored);
                }
            });
            // The backup starts only once answers are arriving, and the answers go on until it has been sent.
            await WaitForAsync(() => Volatile.Read(ref stored) >= 1);
            var committedBefore = await CountAsync();

            using var response = await browser.GetAsync("/admin/backup");
            var storedWhileBackingUp = Volatile.Read(ref stored);
            await WaitForAsync(() => Volatile.Read(ref stored) > storedWhileBackingUp);
            await stop.CancelAsync();
            await during;
            var committedAfter = await CountAsync();
            var backup = Path.Combine(Path.GetTempPath(), $"data-backup-test-{Guid.NewGuid():N}.db");
            await File.WriteAllBytesAsync(backup, await response.Content.ReadAsByteArrayAsync());

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/vnd.sqlite3", response.Content.Headers.ContentType?.MediaType);
            Assert.EndsWith(".db", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
            try
            {
                await using var copy = new SqliteConnection($"Data Source={backup};Mode=ReadOnly;Pooling=False");
                await copy.OpenAsync();
                Assert.Equal("ok", await Scalar<string>(copy, "PRAGMA integrity_check;"));
                var inBackup = await Scalar<long>(copy, "SELECT count(*) FROM Responses r JOIN Rounds o ON o.Id = r.RoundId WHERE o.Slug = 'data-backup';");
                var counted = await Scalar<long>(copy, "SELECT ResponseCount FROM Rounds WHERE Slug = 'data-backup';");
                // Every response committed before the backup began, none that was not committed by its end.
                Assert.InRange(inBackup, committedBefore, committedAfter);
                Assert.True(committedAfter > committedBefore, "answers were stored while the backup was taken");
                // A consistent snapshot: the count kept with the responses agrees with the responses in the copy.
                Assert.Equal(inBackup, counted);
                Assert.Equal(inBackup * Keys.Length, await Scalar<long>(copy, "SELECT count(*) FROM Answers a JOIN Responses r ON r.Id = a.ResponseId JOIN Rounds o ON o.Id = r.RoundId WHERE o.Slug = 'data-backup';"));
            }
            finally
            {
                File.Delete(backup);
            }
            Assert.Equal(before, Directory.GetFiles(Path.GetTempPath(), "hejsurvey-backup-*").Length);
            Assert.Contains(await site.AuditAsync("data-backup"), a => a.Action == AuditAction.Backup);
        }
    }

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresAdminSiteFactory site) : AdminDataTests(site), IClassFixture<PostgresAdminSiteFactory>;

    private static readonly QuestionnaireDefinition Questionnaire = ShippedQuestionnaires.Newest;
    private static readonly string[] Keys = [.. Questionnaire.ChoiceKeys];

    /// <summary>Three respondents with different answers and free texts, stored through the survey form.</summary>
    private async Task<List<Dictionary<string, string>>> AnswerThreeAsync(string slug, params string?[] freeTexts)
    {
        await site.CreateRoundAsync(slug);
        var all = new List<Dictionary<string, string>>();
        for (var person = 0; person < freeTexts.Length; person++)
        {
            var answers = new Dictionary<string, string>();
            for (var k = 0; k < Keys.Length; k++)
            {
                var background = Questionnaire.Background.FirstOrDefault(b => b.Key == Keys[k]);
                answers[Keys[k]] = background is null
                    ? ((person + k) % 6).ToString(CultureInfo.InvariantCulture)
                    : background.Options[person % background.Options.Count].Value.ToString(CultureInfo.InvariantCulture);
            }
            if (freeTexts[person] is { } text)
            {
                answers[Questionnaire.FreeText.Key] = text;
            }
            using var response = await SurveyJourneyTests.AnswerAsync(site.Browser(), slug, answers);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            all.Add(answers);
        }
        return all;
    }

    [Fact]
    public async Task The_CSV_holds_every_answer_cell_by_cell_with_Swedish_letters_and_formulas_made_harmless()
    {
        var given = await AnswerThreeAsync("data-csv", "Åsa på kontoret: \"mer tid\", tack – öppna data!", "=HYPERLINK(\"http://evil.example\",\"klicka\")", null);
        var browser = await site.SignedInAsync("data-csv");

        using var response = await browser.GetAsync("/admin/rounds/data-csv/responses.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("data-csv-responses.csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var rows = CsvTable.Lines(bytes);

        Assert.Equal(["id", "date", "questionnaire_version", .. Keys, "speedup"], rows[0]);
        Assert.Equal(4, rows.Count);
        await using var db = site.Db();
        var roundId = (await site.RoundAsync("data-csv")).Id;
        var ids = await db.Responses.Where(r => r.RoundId == roundId).OrderBy(r => r.Id).Select(r => r.Id).ToListAsync();
        var today = DateOnly.FromDateTime(SwedishTime.FromUtc(DateTime.UtcNow)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        for (var person = 0; person < 3; person++)
        {
            var row = rows[person + 1];
            Assert.Equal(ids[person].ToString(CultureInfo.InvariantCulture), row[0]);
            Assert.Equal(today, row[1]);
            Assert.Equal(Questionnaire.Version.ToString(CultureInfo.InvariantCulture), row[2]);
            Assert.Equal(Keys.Select(k => given[person][k]), row[3..^1]);
        }
        Assert.Equal("Åsa på kontoret: \"mer tid\", tack – öppna data!", rows[1][^1]);
        Assert.Equal("'=HYPERLINK(\"http://evil.example\",\"klicka\")", rows[2][^1]);
        Assert.Equal("", rows[3][^1]);
        Assert.Contains(await site.AuditAsync("data-csv"), a => a.Action == AuditAction.Download && a.Detail == "data-csv/responses.csv");
    }

    [Fact]
    public async Task Every_CSV_row_carries_the_date_of_its_own_response_when_the_dates_alternate()
    {
        var round = await site.CreateRoundAsync("data-dates");
        DateOnly[] days = [new(2026, 3, 2), new(2026, 2, 27), new(2026, 3, 2), new(2026, 3, 9), new(2026, 2, 27)];
        await using (var db = site.Db())
        {
            foreach (var day in days)
            {
                db.Responses.Add(new Response { RoundId = round.Id, SubmittedOn = day, RespondentHash = Guid.NewGuid().ToString("N"), IdempotencyKey = Guid.NewGuid() });
            }
            await db.SaveChangesAsync();
        }
        var browser = await site.SignedInAsync("data-dates");

        var rows = CsvTable.Read(await browser.GetStringAsync("/admin/rounds/data-dates/responses.csv"));

        Assert.Equal(days.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), rows.Select(r => r["date"]));
        Assert.All(rows, r => Assert.All(Keys, k => Assert.Equal("", r[k])));
    }

    [Fact]
    public async Task The_JSON_holds_every_answer_and_the_free_text_as_written()
    {
        var given = await AnswerThreeAsync("data-json", "Ärligt talat: =1+1", null);
        var browser = await site.SignedInAsync("data-json");

        using var response = await browser.GetAsync("/admin/rounds/data-json/responses.json");

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        Assert.Equal("data-json", json.RootElement.GetProperty("round").GetString());
        var responses = json.RootElement.GetProperty("responses").EnumerateArray().ToList();
        Assert.Equal(2, responses.Count);
        for (var person = 0; person < 2; person++)
        {
            Assert.Equal(Keys.Select(k => given[person][k]), Keys.Select(k => responses[person].GetProperty(k).GetInt32().ToString(CultureInfo.InvariantCulture)));
        }
        Assert.Equal("Ärligt talat: =1+1", responses[0].GetProperty("speedup").GetString());
        Assert.Equal(JsonValueKind.Null, responses[1].GetProperty("speedup").ValueKind);
    }

    [Fact]
    public async Task The_codebook_explains_every_column_in_both_languages_with_value_labels()
    {
        await site.CreateRoundAsync("data-codebook");
        var browser = await site.SignedInAsync("data-codebook");

        using var response = await browser.GetAsync("/admin/rounds/data-codebook/codebook.csv");

        var lines = CsvTable.Lines(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(["column", "kind", "theme", "text_sv", "text_en", "value", "label_sv", "label_en"], lines[0]);
        var rows = lines[1..];
        Assert.Equal(["id", "date", "questionnaire_version", .. Keys, "speedup"], rows.Select(r => r[0]).Distinct());
        Assert.Contains(rows, r => r[0] == "questionnaire_version" && r[5] == Questionnaire.Version.ToString(CultureInfo.InvariantCulture) && r[7] == $"{Questionnaire.Key} version {Questionnaire.Version}");
        var statement = Questionnaire.Statements.First();
        Assert.Contains(rows, r => r[0] == statement.Key && r[3] == statement.Text.Sv && r[4] == statement.Text.En && r[5] == "0" && r[6] == "Vet inte" && r[7] == "Don't know");
        Assert.Contains(rows, r => r[0] == "size" && r[5] == "4" && r[6] == "5 000 eller fler" && r[7] == "5,000 or more");

        using var json = await browser.GetAsync("/admin/rounds/data-codebook/codebook.json");
        using var codebook = JsonDocument.Parse(await json.Content.ReadAsStringAsync());
        Assert.Equal(Keys.Length + 4, codebook.RootElement.GetArrayLength());
    }

    [Fact]
    public async Task A_download_of_a_round_that_does_not_exist_is_404()
    {
        var browser = await site.SignedInAsync("data-missing");

        using var response = await browser.GetAsync("/admin/rounds/data-nowhere/responses.csv");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_audit_log_shows_the_newest_action_first()
    {
        await site.CreateRoundAsync("data-audit");
        var browser = await site.SignedInAsync("data-audit");
        using (var download = await browser.GetAsync("/admin/rounds/data-audit/codebook.csv"))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        }

        var page = await browser.GetPageAsync("/admin/audit");

        var first = page.QuerySelectorAll("#audit tbody tr").First(r => r.Children[1].TextContent == "data-audit");
        Assert.Equal((AuditAction.Download, "Laddade ner codebook.csv av omgången data-audit."), (first.Children[2].GetAttribute("data-action"), first.Children[2].TextContent));
        Assert.Empty(page.QuerySelectorAll("#audit form"));
    }

    private async Task<int> CountAsync()
    {
        await using var db = site.Db();
        var round = await db.Rounds.SingleAsync(r => r.Slug == "data-backup");
        return await db.Responses.CountAsync(r => r.RoundId == round.Id);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the answers did not arrive");
            await Task.Delay(10);
        }
    }

    private static async Task<T> Scalar<T>(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
