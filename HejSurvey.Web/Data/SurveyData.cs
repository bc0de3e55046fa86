using System.Data.Common;
using System.Globalization;
using HejSurvey.Web.Components;
using HejSurvey.Web.Survey;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

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
        var provider = ProviderFrom(builder.Configuration);
        var busyTimeout = builder.Configuration.GetValue("Survey:BusyTimeoutMs", SqlitePragmas.DefaultBusyTimeoutMs);
        string connectionString;
        if (provider == DatabaseProvider.PostgreSQL)
        {
            connectionString = PostgresConnectionString(builder.Configuration.GetConnectionString("Survey"));
            builder.Services.AddSingleton(new SurveyConnection(connectionString, busyTimeout, Provider: DatabaseProvider.PostgreSQL));
            // Registered as SurveyDb too, so every page and service asks for a SurveyDb whichever provider it is.
            builder.Services.AddDbContextPool<SurveyDb, PostgresSurveyDb>(options => options.UseNpgsql(connectionString));
            builder.Services.AddHostedService<PendingTallyFolder>();
        }
        else
        {
            connectionString = ResolveConnectionString(
                builder.Configuration.GetConnectionString("Survey") ?? DefaultConnectionString,
                builder.Environment.ContentRootPath);
            builder.Services.AddSingleton(new SurveyConnection(connectionString, busyTimeout, builder.Configuration.GetValue<int?>("Survey:MaxPageCount")));
            // Pooled contexts and one interceptor for all of them: every request of the survey form uses a context,
            // and setting one up afresh each time was a good part of the form's cost.
            var pragmas = new SqlitePragmas(busyTimeout);
            builder.Services.AddDbContextPool<SurveyDb>(options => options
                .UseSqlite(connectionString)
                .AddInterceptors(pragmas));
        }
        builder.AddProtectedKeys(connectionString, provider);
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
        var database = scope.ServiceProvider.GetRequiredService<SurveyConnection>();
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
        if (await KeyProtection.RemoveUnprotectedKeysAsync(db) is > 0 and var removed)
        {
            scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(KeyProtection))
                .LogWarning("Removed {Count} Data Protection keys that were stored unprotected; admins sign in again.", removed);
        }
        await KeyProtection.LoadKeysOneNodeAtATimeAsync(scope.ServiceProvider, db);
        var shipped = QuestionnaireDefinition.Embedded().ToList();
        async Task<List<(string Json, QuestionnaireDefinition Definition)>> NotStoredAsync()
        {
            var missing = new List<(string, QuestionnaireDefinition)>();
            foreach (var (json, definition) in shipped)
            {
                if (!await db.Questionnaires.AnyAsync(q => q.Key == definition.Key && q.Version == definition.Version))
                {
                    missing.Add((json, definition));
                }
            }
            return missing;
        }
        foreach (var (json, definition) in await NotStoredAsync())
        {
            // A shipped version has been reviewed like code: it is final from the start.
            var now = DateTime.UtcNow;
            db.Questionnaires.Add(new Questionnaire { Key = definition.Key, Version = definition.Version, Definition = json, CreatedAt = now, IsFinal = true, FinalizedAt = now });
        }
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            // Web nodes start together, also on a new database: another node stored the same versions between the check
            // and this insert, and the unique index on key and version refused the second copy. Only a version that is
            // still missing is a failure.
            db.ChangeTracker.Clear();
            if ((await NotStoredAsync()).Count > 0)
            {
                throw;
            }
        }

        var environment = scope.ServiceProvider.GetRequiredService<IWebHostEnvironment>();
        var options = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<SurveyOptions>>().Value;
        // The demo answers are written straight into SQLite; a PostgreSQL site starts empty.
        if (environment.IsDevelopment() && options.SeedDemo && database.Provider == DatabaseProvider.Sqlite && !await db.Rounds.AnyAsync())
        {
            await DemoRounds.SeedAsync(db, database);
        }
    }

    private static async Task<bool> MissesMigrationsAsync(SurveyDb db)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = db is PostgresSurveyDb
                ? $"SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = '{HistoryRepository.DefaultTableName}'"
                : $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{HistoryRepository.DefaultTableName}'";
            if (Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) == 0)
            {
                return true;
            }
            command.CommandText = $"SELECT \"MigrationId\" FROM \"{HistoryRepository.DefaultTableName}\"";
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

    /// <summary>
    /// Whether the database could not be reached or answer just now (a server restarting, failing over or shutting
    /// down, a broken connection), rather than refusing the statement. EF Core's PostgreSQL execution strategy wraps
    /// such an error in an InvalidOperationException of its own.
    /// </summary>
    public static bool IsUnavailable(Exception ex) => ex switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal),
        NpgsqlException => true,
        InvalidOperationException { InnerException: { } inner } => IsUnavailable(inner),
        _ => false,
    };

    /// <summary>Database:Provider: Sqlite (the default) or PostgreSQL; anything else stops the site at start.</summary>
    public static DatabaseProvider ProviderFrom(IConfiguration configuration) => configuration["Database:Provider"] switch
    {
        null or "" => DatabaseProvider.Sqlite,
        var name when name.Equals(nameof(DatabaseProvider.Sqlite), StringComparison.OrdinalIgnoreCase) => DatabaseProvider.Sqlite,
        var name when name.Equals(nameof(DatabaseProvider.PostgreSQL), StringComparison.OrdinalIgnoreCase) || name.Equals("Postgres", StringComparison.OrdinalIgnoreCase) => DatabaseProvider.PostgreSQL,
        var name => throw new InvalidOperationException($"Database:Provider is '{name}'; it must be Sqlite (the default) or PostgreSQL."),
    };

    /// <summary>A PostgreSQL connection string has to be given: the default one names a SQLite file.</summary>
    private static string PostgresConnectionString(string? configured)
    {
        const string Needed = "Database:Provider is PostgreSQL, so ConnectionStrings:Survey must be a PostgreSQL connection string, e.g. \"Host=db.example.se;Database=hejsurvey;Username=hejsurvey;Password=…\".";
        if (string.IsNullOrWhiteSpace(configured) || configured == DefaultConnectionString)
        {
            throw new InvalidOperationException(Needed);
        }
        try
        {
            return new NpgsqlConnectionStringBuilder(configured).ConnectionString;
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"{Needed} ({ex.Message})", ex);
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

public enum DatabaseProvider
{
    Sqlite,
    PostgreSQL,
}

/// <summary>
/// The resolved connection string and its provider, for code that talks to the database without EF Core.
/// <paramref name="MaxPageCount"/> (Survey:MaxPageCount, unset by default) caps how far these connections may
/// grow the file, in pages; SQLite never lowers it below the current size. It lets the fault tests fill the
/// "disk" without a tiny file system.
/// </summary>
public sealed record SurveyConnection(string ConnectionString, int BusyTimeoutMs = SqlitePragmas.DefaultBusyTimeoutMs, int? MaxPageCount = null, DatabaseProvider Provider = DatabaseProvider.Sqlite)
{
    /// <summary>An open PostgreSQL connection from Npgsql's pool (only when the site runs on PostgreSQL).</summary>
    public NpgsqlConnection OpenPostgres()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    public SqliteConnection Open()
    {
        if (Provider != DatabaseProvider.Sqlite)
        {
            // Code that still speaks SQLite only: a clear error rather than SQLite's parse error of a PostgreSQL string.
            throw new NotSupportedException("This part of the site works on SQLite only and the site runs on PostgreSQL.");
        }
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
