using HejSurvey.Web.Data;
using HejSurvey.Web.OpenResults;
using HejSurvey.Web.Site;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HejSurvey.Tests;

/// <summary>
/// The real site on the test server, with its own SQLite file created by the site's migrations, or on PostgreSQL its
/// own database on the test server (<see cref="PostgresServer"/>). One factory is one database: tests that share it
/// use their own rounds.
/// </summary>
public class SiteFactory : WebApplicationFactory<Program>
{
    public SiteFactory()
        : this(DatabaseProvider.Sqlite)
    {
    }

    /// <summary>For the site on another provider (xunit takes a fixture with one public constructor only).</summary>
    protected SiteFactory(DatabaseProvider provider) => Provider = provider;

    public DatabaseProvider Provider { get; }

    private string? postgresDatabase;

    /// <summary>Where the site keeps App_Data: on PostgreSQL its certificate is made there, named after the database.</summary>
    private string? contentRoot;

    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), $"hejsurvey-test-{Guid.NewGuid():N}.db");

    /// <summary>
    /// PBKDF2 iterations of the test admins' passwords: ASP.NET Core's own hash format, with 1,000 iterations instead of
    /// 100,000. The tests sign in hundreds of times, and at the real cost the hashing alone took minutes of CPU on two
    /// cores. The site verifies a hash with the count written in it and is given the same count, so it never rehashes.
    /// </summary>
    public const int PasswordIterations = 1_000;

    /// <summary>Hashes passwords as the site under test does; for tests that store admins as the command line does.</summary>
    public static readonly IPasswordHasher<AdminUser> PasswordHasher =
        new PasswordHasher<AdminUser>(Options.Create(new PasswordHasherOptions { IterationCount = PasswordIterations }));

    /// <summary>Extra configuration, set before the first request.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>The database given in <see cref="Settings"/> (a site started again on another's database), or its own.</summary>
    public string ConnectionString => Settings.TryGetValue("ConnectionStrings:Survey", out var given) && given is not null
        ? given
        : Provider == DatabaseProvider.PostgreSQL
            ? postgresDatabase ??= PostgresServer.MigratedDatabase()
            : $"Data Source={DatabasePath}";

    /// <summary>
    /// An empty database with every migration applied, made once per test run. Each site starts from a copy of it, so
    /// the migrations (and the two extra builds of the model EF Core's migrator makes to check them) run once rather
    /// than once for every site; the site still checks at start that no migration is missing, and
    /// Unit/DatabaseModelTests runs a migration at start for real.
    /// </summary>
    private static readonly Lazy<string> MigratedTemplate = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"hejsurvey-test-template-{Guid.NewGuid():N}.db");
        using (var db = new SurveyDb(new DbContextOptionsBuilder<SurveyDb>().UseSqlite($"Data Source={path};Pooling=False").Options))
        {
            db.Database.Migrate();
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
        return path;
    });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (Provider == DatabaseProvider.Sqlite && !Settings.ContainsKey("ConnectionStrings:Survey") && !File.Exists(DatabasePath))
        {
            File.Copy(MigratedTemplate.Value, DatabasePath);
        }
        builder.UseEnvironment("Testing");
        // As in Development: a scoped service taken from the root provider fails the request instead of passing unseen.
        builder.UseDefaultServiceProvider(options => options.ValidateScopes = true);
        builder.UseSetting("Database:Provider", Provider.ToString());
        builder.UseSetting("ConnectionStrings:Survey", ConnectionString);
        builder.UseSetting("Survey:SeedDemo", "false");
        builder.ConfigureServices((context, services) =>
        {
            contentRoot = context.HostingEnvironment.ContentRootPath;
            services.Configure<PasswordHasherOptions>(o => o.IterationCount = PasswordIterations);
        });
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A new site on that provider, for the tests of a suite that make sites of their own.</summary>
    public static SiteFactory On(DatabaseProvider provider) =>
        provider == DatabaseProvider.PostgreSQL ? new PostgresSiteFactory() : new SiteFactory();

    /// <summary>A client that keeps cookies like a browser and does not follow redirects, so tests see them.</summary>
    public HttpClient Browser() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>A separate connection to the site's database, for arranging and checking what is stored.</summary>
    public SurveyDb Db()
    {
        _ = Services; // the site migrates the database when it starts (on the test server or on Kestrel)
        return Provider == DatabaseProvider.PostgreSQL
            ? PostgresServer.Context(ConnectionString)
            : new SurveyDb(new DbContextOptionsBuilder<SurveyDb>().UseSqlite(ConnectionString).Options);
    }

    /// <summary>
    /// The round's tallies as the results read them, in one snapshot: on PostgreSQL with the pending rows that no
    /// fold has yet added to the tally tables.
    /// </summary>
    public async Task<RoundTallies> TalliesAsync(int roundId)
    {
        await using var db = Db();
        await using var read = await db.BeginSnapshotAsync(CancellationToken.None);
        return await RoundResults.TalliesAsync(db, roundId, CancellationToken.None);
    }

    public async Task<Round> CreateRoundAsync(string slug, RoundState state = RoundState.Open, bool published = false, bool live = false, DateTime? closesAt = null)
    {
        await ListeningAsync();
        await using var db = Db();
        return await AddRoundAsync(db, slug, state, published, live, closesAt: closesAt);
    }

    /// <summary>
    /// A round stored straight into <paramref name="db"/> on the newest shipped questionnaire version, which the tests
    /// answer; not the newest final one, which a test of the editor sharing the site may have made.
    /// </summary>
    public static async Task<Round> AddRoundAsync(SurveyDb db, string slug, RoundState state = RoundState.Open, bool published = false, bool live = false, DateTime? opensAt = null, DateTime? closesAt = null)
    {
        var shipped = ShippedQuestionnaires.Newest;
        var questionnaire = await db.Questionnaires.SingleAsync(q => q.Key == shipped.Key && q.Version == shipped.Version);
        var now = DateTime.UtcNow;
        var round = new Round
        {
            Slug = slug,
            TitleSv = $"Omgång {slug}",
            TitleEn = $"Round {slug}",
            QuestionnaireId = questionnaire.Id,
            State = state,
            CreatedAt = now,
            OpenedAt = state == RoundState.Draft ? null : now,
            ClosedAt = state == RoundState.Closed ? now : null,
            OpensAt = opensAt,
            ClosesAt = closesAt,
            IsPublished = published,
            PublishedAt = published ? now : null,
            LiveResults = live,
        };
        db.Rounds.Add(round);
        await db.SaveChangesAsync();
        return round;
    }

    /// <summary>
    /// On PostgreSQL, waits until the site's change listener listens: its first LISTEN forgets every cached page, and a
    /// test that reads a page from the cache must not have it forgotten under it by the start.
    /// </summary>
    public async Task ListeningAsync()
    {
        if (Services.GetServices<IHostedService>().OfType<ChangeListener>().SingleOrDefault() is { } listener)
        {
            await listener.FirstListen.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (postgresDatabase is not null)
        {
            PostgresServer.DropDatabase(postgresDatabase);
            // Not made when the site was given a certificate (or another database); File.Delete fails on a missing folder.
            if (contentRoot is not null && KeyProtection.DevelopmentPostgresCertificatePath(postgresDatabase, contentRoot) is var certificate && File.Exists(certificate))
            {
                File.Delete(certificate);
            }
            postgresDatabase = null;
        }
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(DatabasePath + suffix);
        }
        // The certificate the site makes beside its database when none is configured.
        File.Delete(Path.ChangeExtension(DatabasePath, ".keys.pfx"));
    }
}

/// <summary>The site on its own PostgreSQL database (see <see cref="PostgresServer"/>).</summary>
public sealed class PostgresSiteFactory() : SiteFactory(DatabaseProvider.PostgreSQL);
