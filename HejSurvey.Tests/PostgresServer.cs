using HejSurvey.Web.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("HejSurvey.Tests.SiteTestFramework", "HejSurvey.Tests")]

namespace HejSurvey.Tests;

/// <summary>
/// The PostgreSQL server the tests run against: HEJSURVEY_TEST_POSTGRES holds a connection string of a role that may
/// create databases (.ci/run starts a throwaway server and sets it). Every test site gets a database of its own, made
/// from one migrated template and dropped after. Without the variable the PostgreSQL tests are skipped, so that
/// <c>dotnet test</c> passes on a fresh machine; with CI=true they run and fail instead, so CI never passes by skipping.
/// </summary>
public static class PostgresServer
{
    public const string Variable = "HEJSURVEY_TEST_POSTGRES";

    private static string? Configured => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    private static bool OnCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the PostgreSQL tests are skipped here, or null when they run.</summary>
    public static string? SkipReason => Configured is null && !OnCi
        ? $"No PostgreSQL server: set {Variable} to a connection string (as .ci/run does) to run these tests."
        : null;

    private static string Server => Configured
        ?? throw new InvalidOperationException($"CI=true but {Variable} is not set: the PostgreSQL tests need a server (.ci/run starts one).");

    /// <summary>A database with every PostgreSQL migration applied, made once per test run and copied for each site.</summary>
    private static readonly Lazy<string> MigratedTemplate = new(() =>
    {
        DropTemplatesOfEndedRuns();
        var name = Create(template: null, $"{TemplatePrefix}{Environment.ProcessId}_");
        using (var db = Context(WithDatabase(name)))
        {
            db.Database.Migrate();
        }
        NpgsqlConnection.ClearAllPools();
        return name;
    });

    /// <summary>Drops the template when the test run ends (see <see cref="SiteTestFramework"/>).</summary>
    internal static void DropTemplate()
    {
        if (MigratedTemplate.IsValueCreated)
        {
            Drop(MigratedTemplate.Value);
        }
    }

    /// <summary>A new, empty database (no tables); its connection string.</summary>
    public static string EmptyDatabase() => WithDatabase(Create(template: null));

    /// <summary>A new database with every migration applied; its connection string.</summary>
    public static string MigratedDatabase() => WithDatabase(Create(MigratedTemplate.Value));

    public static PostgresSurveyDb Context(string connectionString) =>
        new(new DbContextOptionsBuilder<PostgresSurveyDb>().UseNpgsql(connectionString).Options);

    /// <summary>Drops the database of that connection string, ending any connection still open to it.</summary>
    public static void DropDatabase(string connectionString) => Drop(new NpgsqlConnectionStringBuilder(connectionString).Database!);

    /// <summary>Templates are named after the test process, so that one left by a run that was cut short can be told from one in use.</summary>
    private const string TemplatePrefix = "hejsurvey_template_";

    /// <summary>
    /// The test host may end before the template's drop at the end of a run has finished; the next run on this machine
    /// drops what such a run left behind (never a template of a process still running).
    /// </summary>
    private static void DropTemplatesOfEndedRuns()
    {
        var ended = new List<string>();
        using (var connection = new NpgsqlConnection(Server))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT datname FROM pg_database WHERE starts_with(datname, '{TemplatePrefix}')";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var name = reader.GetString(0);
                var process = name[TemplatePrefix.Length..].Split('_')[0];
                if (int.TryParse(process, out var id) && !Running(id))
                {
                    ended.Add(name);
                }
            }
        }
        ended.ForEach(Drop);
    }

    private static bool Running(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string Create(string? template, string prefix = "hejsurvey_test_")
    {
        var name = $"{prefix}{Guid.NewGuid():N}";

        using var connection = new NpgsqlConnection(Server);
        connection.Open();
        using var command = connection.CreateCommand();
        // Names made here, never from input.
        command.CommandText = template is null ? $"CREATE DATABASE \"{name}\"" : $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"";
        command.ExecuteNonQuery();
        return name;
    }

    private static void Drop(string name)
    {
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(Server);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
        command.ExecuteNonQuery();
    }

    private static string WithDatabase(string name) =>
        new NpgsqlConnectionStringBuilder(Server) { Database = name }.ConnectionString;
}

/// <summary>A test that needs the PostgreSQL server: skipped without one, except on CI (see <see cref="PostgresServer"/>).</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresServer.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>
/// Marks the PostgreSQL flavour of a suite that runs on both providers: the suite's tests live in an abstract class
/// that takes its site, and two small sealed classes (<c>OnSqlite</c>, <c>OnPostgreSQL</c>) give it its fixture, so
/// there is one list of tests and two databases. Every test of a class so marked is skipped without a server, except
/// on CI, as with <see cref="PostgresFactAttribute"/> (see <see cref="SiteTestFramework"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class PostgresSuiteAttribute : Attribute;

/// <summary>
/// xunit's own framework, with two additions. At the end of the run the PostgreSQL template database is dropped: a
/// process-exit handler does not run reliably in the test host, and a template left behind would pile up on a shared
/// server. And the tests of a <see cref="PostgresSuiteAttribute"/> class are found as skipped when there is no server:
/// xunit 2 decides a skip when it finds a test, from the test method's attribute alone, and the methods of a suite are
/// shared by both flavours, so the decision is made here, per class.
/// </summary>
public sealed class SiteTestFramework : XunitTestFramework
{
    public SiteTestFramework(IMessageSink messageSink)
        : base(messageSink) => DisposalTracker.Add(new TemplateDrop());

    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new SuiteDiscoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class TemplateDrop : IDisposable
    {
        public void Dispose() => PostgresServer.DropTemplate();
    }

    private sealed class SuiteDiscoverer(IAssemblyInfo assemblyInfo, ISourceInformationProvider sourceProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkDiscoverer(assemblyInfo, sourceProvider, diagnosticMessageSink)
    {
        protected override bool FindTestsForType(ITestClass testClass, bool includeSourceInformation, IMessageBus messageBus, ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            if (PostgresServer.SkipReason is not { } reason || !testClass.Class.GetCustomAttributes(typeof(PostgresSuiteAttribute)).Any())
            {
                return base.FindTestsForType(testClass, includeSourceInformation, messageBus, discoveryOptions);
            }
            // One skipped case per test method, a theory's rows included: none of them can run without the server.
            foreach (var method in testClass.Class.GetMethods(includePrivateMethods: true).Where(m => m.GetCustomAttributes(typeof(FactAttribute)).Any()))
            {
                var skipped = new XunitSkippedDataRowTestCase(
                    DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), new TestMethod(testClass, method), reason);
                if (!ReportDiscoveredTestCase(skipped, includeSourceInformation, messageBus))
                {
                    return false;
                }
            }
            return true;
        }
    }
}
