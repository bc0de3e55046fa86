using System.Globalization;
using HealthChecks.UI.Client;
using HejSurvey.Web.Data;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace HejSurvey.Web.Admin;

/// <summary>
/// /healthz: the process answers. /healthz/ready: the database can be read and written and its disk has room.
/// Both in the HealthChecks UI JSON format, so an existing HealthChecks UI can watch them; /admin/health shows the same.
/// </summary>
public static class SurveyHealth
{
    public const string ReadyTag = "ready";

    public static WebApplicationBuilder AddSurveyHealth(this WebApplicationBuilder builder)
    {
        var checks = builder.Services.AddHealthChecks()
            // Reads a table, so a file that is not a database (or not there) fails here rather than passing an open().
            .AddDbContextCheck<SurveyDb>("database", tags: [ReadyTag], customTestQuery: async (db, ct) =>
            {
                await db.Rounds.Select(r => r.Id).FirstOrDefaultAsync(ct);
                return true;
            });
        if (SurveyData.ProviderFrom(builder.Configuration) == DatabaseProvider.PostgreSQL)
        {
            // The server answers, and takes writes: a standby (read-only after a failover gone wrong) fails here.
            // Its disk is the database service's to watch, not this site's.
            checks.AddNpgSql(
                builder.Configuration.GetConnectionString("Survey")!,
                healthQuery: "SELECT 1 WHERE NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off';",
                name: "database-writable",
                tags: [ReadyTag]);
            return builder;
        }
        checks.AddCheck<DatabaseWritable>("database-writable", tags: [ReadyTag])
            .AddCheck<DatabaseDiskSpace>("disk-space", tags: [ReadyTag]);
        return builder;
    }

    public static void MapSurveyHealth(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = UIResponseWriter.WriteHealthCheckUIResponse });
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = Ready, ResponseWriter = UIResponseWriter.WriteHealthCheckUIResponse });
    }

    public static bool Ready(HealthCheckRegistration registration) => registration.Tags.Contains(ReadyTag);
}

/// <summary>Takes the write lock (BEGIN IMMEDIATE) and rolls back: fails on a read-only file, folder or disk, changes nothing.</summary>
internal sealed class DatabaseWritable(SurveyConnection database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = database.Open();
            await using var command = connection.CreateCommand();
            command.CommandText = "BEGIN IMMEDIATE; SELECT count(*) FROM sqlite_master; ROLLBACK;";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("The database takes writes.");
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The database cannot be written.", ex);
        }
    }
}

/// <summary>Free space on the disk that holds the database: below Admin:MinimumFreeDiskMegabytes new responses would soon fail.</summary>
internal sealed class DatabaseDiskSpace(SurveyConnection database, IOptions<AdminOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var file = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
        try
        {
            var free = new DriveInfo(folder).AvailableFreeSpace / (1024 * 1024);
            var minimum = options.Value.MinimumFreeDiskMegabytes;
            var data = new Dictionary<string, object> { ["freeMegabytes"] = free, ["minimumMegabytes"] = minimum };
            return Task.FromResult(free >= minimum
                ? HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"{free} MB free."), data)
                : new HealthCheckResult(context.Registration.FailureStatus, string.Create(CultureInfo.InvariantCulture, $"Only {free} MB free; at least {minimum} MB are needed."), data: data));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, "The free disk space could not be read.", ex));
        }
    }
}
