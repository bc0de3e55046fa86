using System.Net;
using System.Text.Json;
using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;

namespace HejSurvey.Tests.Pages;

/// <summary>
/// Health and backups on PostgreSQL: the server is checked, and backups are left to the database service. What only
/// PostgreSQL has, so on PostgreSQL only (SQLite's health and backup file are AdminHealthTests' and AdminDataTests').
/// </summary>
public sealed class PostgresAdminTests(PostgresAdminSiteFactory site) : IClassFixture<PostgresAdminSiteFactory>
{
    [PostgresFact]
    public async Task Ready_checks_that_PostgreSQL_answers_and_takes_writes_and_no_local_disk()
    {
        using var response = await site.Browser().GetAsync("/healthz/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var entries = report.RootElement.GetProperty("entries");
        Assert.Equal("Healthy", entries.GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", entries.GetProperty("database-writable").GetProperty("status").GetString());
        Assert.False(entries.TryGetProperty("disk-space", out _));
    }

    [PostgresFact]
    public async Task The_backup_page_sends_admins_to_the_database_service_and_the_download_is_not_there()
    {
        var admin = await site.SignedInAsync("pg-backup-admin");

        using var download = await admin.GetAsync("/admin/backup");
        var swedish = await admin.GetPageAsync("/admin/backups");
        var english = await admin.GetPageAsync("/admin/backups?culture=en");
        var dashboard = await admin.GetPageAsync("/admin");

        Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);
        Assert.Contains("Säkerhetskopior tas då av databastjänsten", swedish.QuerySelector("#backups-postgres")?.TextContent, StringComparison.Ordinal);
        Assert.Contains("pg_dump", english.QuerySelector("#backups-postgres")?.TextContent, StringComparison.Ordinal);
        Assert.Contains("point-in-time recovery", english.QuerySelector("#backups-postgres")?.TextContent, StringComparison.Ordinal);
        Assert.Null(dashboard.QuerySelector("a[href='/admin/backup']"));
        Assert.NotNull(dashboard.QuerySelector("a[href='/admin/backups']"));
    }

    [PostgresFact]
    public async Task The_raw_downloads_read_the_answers_stored_in_PostgreSQL()
    {
        var round = await site.CreateRoundAsync("pg-downloads");
        var answers = SurveyJourneyTests.CompleteAnswers();
        answers[ShippedQuestionnaires.Newest.FreeText.Key] = "Svar i PostgreSQL – åäö";
        for (var i = 0; i < 2; i++)
        {
            var respondent = site.Browser();
            var form = await respondent.GetPageAsync($"/survey/{round.Slug}");
            using var sent = await respondent.PostFormAsync($"/survey/{round.Slug}", HtmlForm.HiddenFields(form).Concat(answers));
            Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        }
        var admin = await site.SignedInAsync("pg-downloads-admin");

        foreach (var file in new[] { "responses.csv", "responses.json", "responses.xlsx", "responses.sps", "responses.R" })
        {
            using var download = await admin.GetAsync($"/admin/rounds/{round.Slug}/{file}");
            Assert.True(download.StatusCode == HttpStatusCode.OK, $"{file} answered {(int)download.StatusCode}");
        }
        var rows = CsvTable.Read(await admin.GetStringAsync($"/admin/rounds/{round.Slug}/responses.csv"));
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.All(ShippedQuestionnaires.Newest.ChoiceKeys, key => Assert.Equal(answers[key], row[key])));
        Assert.All(rows, row => Assert.Equal(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), row["date"]));
        Assert.All(rows, row => Assert.Equal("Svar i PostgreSQL – åäö", row[ShippedQuestionnaires.Newest.FreeText.Key]));
    }
}
