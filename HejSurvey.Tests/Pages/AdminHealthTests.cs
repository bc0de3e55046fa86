using System.Net;
using System.Text.Json;
using HejSurvey.Web.Data;
using Microsoft.Data.Sqlite;

namespace HejSurvey.Tests.Pages;

public abstract class AdminHealthTests(AdminSiteFactory site)
{
    public sealed class OnSqlite(AdminSiteFactory site) : AdminHealthTests(site), IClassFixture<AdminSiteFactory>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresAdminSiteFactory site) : AdminHealthTests(site), IClassFixture<PostgresAdminSiteFactory>;

    [Fact]
    public async Task Alive_and_ready_answer_healthy_in_the_HealthChecks_UI_format()
    {
        using var alive = await site.Browser().GetAsync("/healthz");
        using var ready = await site.Browser().GetAsync("/healthz/ready");

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("Healthy", (await Json(alive)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var report = await Json(ready);
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        var entries = report.GetProperty("entries");
        Assert.Equal(Checks, entries.EnumerateObject().Select(e => e.Name).Order());
        Assert.All(entries.EnumerateObject(), e => Assert.Equal("Healthy", e.Value.GetProperty("status").GetString()));
        if (site.Provider == DatabaseProvider.Sqlite)
        {
            Assert.True(entries.GetProperty("disk-space").GetProperty("data").GetProperty("freeMegabytes").GetInt64() > 0);
        }
    }

    [Fact]
    public async Task The_admin_health_page_shows_the_same_report()
    {
        var browser = await site.SignedInAsync("health-page");

        var page = await browser.GetPageAsync("/admin/health");

        Assert.Contains("Fungerar", page.QuerySelector("#overall")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(Checks.Length, page.QuerySelectorAll("tbody tr").Length);
        Assert.Contains("Databasen kan skrivas", page.QuerySelector("tbody")!.TextContent, StringComparison.Ordinal);
    }

    /// <summary>The free disk is checked where the site writes its SQLite file; a PostgreSQL server's disk is the database service's.</summary>
    private string[] Checks => site.Provider == DatabaseProvider.Sqlite
        ? ["database", "database-writable", "disk-space"]
        : ["database", "database-writable"];

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}

/// <summary>
/// Each test breaks its own site's database file after the site has started: faults of SQLite's file, so on SQLite only
/// (on PostgreSQL the server is the database service's; see PostgresAdminTests).
/// </summary>
public sealed class AdminHealthFailureTests
{
    [Fact]
    public async Task Ready_is_unhealthy_when_the_database_file_holds_garbage()
    {
        using var site = new SiteFactory();
        await EnsureHealthyAsync(site);

        ReleaseDatabase(site);
        await File.WriteAllBytesAsync(site.DatabasePath, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 7))]);

        await ExpectUnhealthyAsync(site, "database", "database-writable");
    }

    [Fact]
    public async Task Ready_is_unhealthy_when_the_database_path_is_a_folder()
    {
        var site = new SiteFactory();
        try
        {
            await EnsureHealthyAsync(site);
            ReleaseDatabase(site);
            File.Delete(site.DatabasePath);
            Directory.CreateDirectory(site.DatabasePath);

            await ExpectUnhealthyAsync(site, "database", "database-writable");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (Directory.Exists(site.DatabasePath))
            {
                Directory.Delete(site.DatabasePath, recursive: true);
            }
            site.Dispose();
        }
    }

    [Fact]
    public async Task Ready_is_unhealthy_when_the_disk_is_nearly_full()
    {
        using var site = new SiteFactory();
        site.Settings["Admin:MinimumFreeDiskMegabytes"] = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture);

        await ExpectUnhealthyAsync(site, "disk-space");
    }

    private static async Task EnsureHealthyAsync(SiteFactory site)
    {
        using var ready = await site.Browser().GetAsync("/healthz/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    /// <summary>Closes the pooled connections and folds the write-ahead log back, so the file alone is the database.</summary>
    private static void ReleaseDatabase(SiteFactory site)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "-wal", "-shm" })
        {
            File.Delete(site.DatabasePath + suffix);
        }
    }

    private static async Task ExpectUnhealthyAsync(SiteFactory site, params string[] failing)
    {
        using var ready = await site.Browser().GetAsync("/healthz/ready");
        using var alive = await site.Browser().GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Unhealthy", report.GetProperty("status").GetString());
        var unhealthy = report.GetProperty("entries").EnumerateObject().Where(e => e.Value.GetProperty("status").GetString() == "Unhealthy").Select(e => e.Name);
        Assert.Equal(failing.Order(), unhealthy.Order());
        // The process itself is alive: a restart would not fix a broken file.
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }
}
