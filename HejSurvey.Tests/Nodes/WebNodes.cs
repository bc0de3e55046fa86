using HejSurvey.Tests.Faults;
using HejSurvey.Tests.Pages;
using HejSurvey.Tests.Security;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Tests.Nodes;

/// <summary>
/// Two web nodes, A and B: the built site started twice as real processes on one PostgreSQL database of their own
/// (made from the migrated template, dropped after), set up as production is: ASPNETCORE_ENVIRONMENT=Production, the
/// same Data Protection certificate files on both, and the load balancer (<see cref="NodeBrowser"/>) trusted for the
/// client's address and scheme. Both start at the same moment, as nodes behind a balancer do. Without a PostgreSQL
/// server nothing is started, and the tests that use this are skipped.
/// </summary>
public sealed class WebNodes : IAsyncLifetime
{
    private readonly string folder = Directory.CreateTempSubdirectory("hejsurvey-nodes-").FullName;

    public string ConnectionString { get; private set; } = "";
    public ServerProcess A { get; private set; } = null!;
    public ServerProcess B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (PostgresServer.SkipReason is not null)
        {
            return;
        }
        ConnectionString = PostgresServer.MigratedDatabase();
        var certificate = TestCertificates.Pfx(folder);
        A = Node(ConnectionString, certificate);
        B = Node(ConnectionString, certificate);
        await Task.WhenAll(A.StartAsync(), B.StartAsync());
    }

    /// <summary>One node as production runs it, on that database with that certificate (a .pfx of <see cref="TestCertificates"/>).</summary>
    internal static ServerProcess Node(string connectionString, string certificate)
    {
        var node = ServerProcess.OnPostgres(connectionString, ServerProcess.FreePort());
        node.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        node.Environment["DataProtection__CertificatePath"] = certificate;
        node.Environment["DataProtection__CertificatePassword"] = TestCertificates.Password;
        node.Environment["Site__TrustedProxies__0"] = "127.0.0.1";
        // A round whose close time passes is closed within a second, and a live version is due at every step of
        // answers, so that the tests need not wait the production defaults (30 s, an hour).
        node.Environment["Admin__CloseCheckSeconds"] = "1";
        node.Environment["Survey__LiveIntervalMinutes"] = "0";
        return node;
    }

    /// <summary>A connection of the test's own to the nodes' database, for arranging and checking what is stored.</summary>
    public SurveyDb Db() => PostgresServer.Context(ConnectionString);

    /// <summary>A round on the newest shipped questionnaire version, stored straight into the database.</summary>
    public async Task<Round> CreateRoundAsync(string slug, RoundState state = RoundState.Open, bool published = false, bool live = false, DateTime? opensAt = null, DateTime? closesAt = null)
    {
        await using var db = Db();
        return await SiteFactory.AddRoundAsync(db, slug, state, published, live, opensAt, closesAt);
    }

    /// <summary>Stores an admin with <see cref="AdminSiteFactory.Password"/>, as the command line does.</summary>
    public async Task CreateAdminAsync(string name)
    {
        await using var db = Db();
        await AdminCommand.SaveAsync(db, SiteFactory.PasswordHasher, name, AdminSiteFactory.Password, DateTime.UtcNow);
    }

    public Task DisposeAsync()
    {
        A?.Dispose();
        B?.Dispose();
        if (ConnectionString.Length > 0)
        {
            PostgresServer.DropDatabase(ConnectionString);
        }
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }
}
