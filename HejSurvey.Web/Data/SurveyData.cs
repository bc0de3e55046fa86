using System.Data.Common;
using System.Globalization;
using HejSurvey.Web.Components;
using HejSurvey.Web.Survey;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HejSurvey.Web.Data;

public static class SurveyData
{
    public const string DefaultConnectionString = "Data Source=App_Data/hejsurvey.db";

    /// <summary>Registers the database (SQLite by default), the questionnaire catalogue and the response writer.</summary>
    public static WebApplicationBuilder AddSurveyData(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SurveyOptions>().BindConfiguration("Survey")
            // A smaller step would let a few answers of one's own isolate another person's between two live versions.
            .Validate(o => o.LiveStepOf(Math.Max(1, o.MinGroupSize)) >= 4 * Math.Max(1, o.MinGroupSize), "Survey:LiveStep must be at least 4 × Survey:MinGroupSize.")
            .Validate(o => o.LiveIntervalMinutes >= 0, "Survey:LiveIntervalMinutes cannot be negative.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        var connectionString = ResolveConnectionString(
            builder.Configuration.GetConnectionString("Survey") ?? DefaultConnectionString,
            builder.Environment.ContentRootPath);
        var busyTimeout = builder.Configuration.GetValue("Survey:BusyTimeoutMs", SqlitePragmas.DefaultBusyTimeoutMs);
        builder.Services.AddSingleton(new SurveyConnection(connectionString, busyTimeout, builder.Configuration.GetValue<int?>("Survey:MaxPageCount")));
        // Pooled contexts and one interceptor for all of them: every request of the survey form uses a context,
        // and setting one up afresh each time was a good part of the form's cost.
        var pragmas = new SqlitePragmas(busyTimeout);
        builder.Services.AddDbContextPool<SurveyDb>(options => options
            .UseSqlite(connectionString)
            .AddInterceptors(pragmas));
        builder.AddProtectedKeys(connectionString);
        builder.Services.AddSingleton<QuestionnaireCatalog>();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<RoundCache>();
        builder.Services.AddSingleton<NewFormHtml>();
        builder.Services.AddSingleton<ResponseWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ResponseWriter>());
        return builder;
    }

    /// <summary>Applies migrations, stores the shipped questionnaire versions and, in Development, the demo rounds.</summary>
    public static async Task MigrateSurveyDatabaseAsync(this IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDb>();
        // EF Core's migrator first builds the model twice more (from the entity configurations and from the last
        // migration's snapshot) to compare them, whether or not anything is to be done: at every start of an
        // up-to-date database that is time and some 10 MB of memory for nothing. So it runs only when a migration
        // of this build is missing from the database's history.
        if (await MissesMigrationsAsync(db))
        {
            await db.Database.MigrateAsync();
        }
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        if (await KeyProtection.RemoveUnprotectedKeysAsync(db) is > 0 and var removed)
        {
            scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(KeyProtection))
                .LogWarning("Removed {Count} Data Protection keys that were stored unprotected; admins sign in again.", removed);
        }
        foreach (var (json, definition) in QuestionnaireDefinition.Embedded())
        {
            if (!await db.Questionnaires.AnyAsync(q => q.Key == definition.Key && q.Version == definition.Version))
            {
                // A shipped version has been reviewed like code: it is final from the start.
                var now = DateTime.UtcNow;
                db.Questionnaires.Add(new Questionnaire { Key = definition.Key, Version = definition.Version, Definition = json, CreatedAt = now, IsFinal = true, FinalizedAt = now });
            }
        }
        await db.SaveChangesAsync();

        var environment = scope.ServiceProvider.GetRequiredService<IWebHostEnvironment>();
        var options = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<SurveyOptions>>().Value;
        if (environment.IsDevelopment() && options.SeedDemo && !await db.Rounds.AnyAsync())
        {
            await DemoRounds.SeedAsync(db, scope.ServiceProvider.GetRequiredService<SurveyConnection>());
        }
    }

    private static async Task<bool> MissesMigrationsAsync(SurveyDb db)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{HistoryRepository.DefaultTableName}'";
            if (Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) == 0)
            {
                return true;
            }
            command.CommandText = $"SELECT MigrationId FROM \"{HistoryRepository.DefaultTableName}\"";
            var applied = new HashSet<string>(StringComparer.Ordinal);
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    applied.Add(reader.GetString(0));
                }
            }
            return db.Database.GetMigrations().Any(migration => !applied.Contains(migration));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static string ResolveConnectionString(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource != ":memory:" && !Path.IsPathRooted(builder.DataSource) && builder.Mode != SqliteOpenMode.Memory)
        {
            builder.DataSource = Path.Combine(contentRoot, builder.DataSource);
        }
        if (builder.Mode != SqliteOpenMode.Memory && Path.GetDirectoryName(builder.DataSource) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }
        return builder.ToString();
    }
}

/// <summary>
/// The resolved SQLite connection string, for code that talks to the database without EF Core.
/// <paramref name="MaxPageCount"/> (Survey:MaxPageCount, unset by default) caps how far these connections may
/// grow the file, in pages; SQLite never lowers it below the current size. It lets the fault tests fill the
/// "disk" without a tiny file system.
/// </summary>
public sealed record SurveyConnection(string ConnectionString, int BusyTimeoutMs = SqlitePragmas.DefaultBusyTimeoutMs, int? MaxPageCount = null)
{
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        // Microsoft.Data.Sqlite retries a busy database itself for DefaultTimeout seconds (30 by default) on top of
        // SQLite's busy timeout; without this a locked database would keep a respondent waiting half a minute.
        connection.DefaultTimeout = Math.Max(1, (BusyTimeoutMs + 999) / 1000);
        connection.Open();
        SqlitePragmas.Apply(connection, BusyTimeoutMs);
        if (MaxPageCount is { } pages)
        {
            using var limit = connection.CreateCommand();
            limit.CommandText = $"PRAGMA max_page_count={pages};";
            limit.ExecuteNonQuery();
        }
        return connection;
    }
}

/// <summary>
/// Every connection: foreign keys on, a busy timeout instead of an immediate "database is locked", full fsync on
/// commit, and SQLite's default 2 MB page cache (connections are pooled, so a cache that one user changed, such as the
/// export's, must not stay with the next). The busy timeout (Survey:BusyTimeoutMs, default 10 s) is how long a write
/// waits for another writer before the respondent is told to try again.
/// </summary>
public sealed class SqlitePragmas(int busyTimeoutMs = SqlitePragmas.DefaultBusyTimeoutMs) : DbConnectionInterceptor
{
    public const int DefaultBusyTimeoutMs = 10_000;

    public static void Apply(DbConnection connection, int busyTimeoutMs = DefaultBusyTimeoutMs)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA foreign_keys=ON; PRAGMA busy_timeout={busyTimeoutMs}; PRAGMA synchronous=FULL; PRAGMA cache_size=-2000;";
        command.ExecuteNonQuery();
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection, busyTimeoutMs);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection, busyTimeoutMs);
        return Task.CompletedTask;
    }
}
