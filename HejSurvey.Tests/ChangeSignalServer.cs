using Npgsql;

namespace HejSurvey.Tests;

/// <summary>
/// A database of its own on the PostgreSQL server named by <see cref="Variable"/>, created for one test class and
/// dropped after it. The change signal needs no tables, only a database the nodes share.
/// </summary>
public sealed class ChangeSignalServer : IAsyncLifetime
{
    public const string Variable = "HEJSURVEY_TEST_POSTGRES";

    private readonly string name = $"hejsurvey_changes_{Guid.NewGuid():N}";

    /// <summary>The connection string of this fixture's database.</summary>
    public string ConnectionString { get; private set; } = "";

    private static bool Given => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable));

    private static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private static string Server => Given
        ? Environment.GetEnvironmentVariable(Variable)!
        : throw new InvalidOperationException($"{Variable} is not set: CI must give the tests a PostgreSQL server to run them on.");

    public async Task InitializeAsync()
    {
        if (!Given && !InCi)
        {
            return; // the tests that need the server are skipped
        }
        await using (var server = new NpgsqlConnection(Server))
        {
            await server.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", server);
            await create.ExecuteNonQueryAsync();
        }
        ConnectionString = new NpgsqlConnectionStringBuilder(Server) { Database = name }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (ConnectionString.Length == 0)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        await using var server = new NpgsqlConnection(Server);
        await server.OpenAsync();
        // FORCE ends whatever a node under test still holds open.
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", server);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A test that needs the server: skipped where none is given, so that a laptop without PostgreSQL still runs the rest;
    /// run (and failed by the fixture) when CI=true, where a missing server is a broken set-up, not a reason to skip.
    /// </summary>
    public sealed class FactAttribute : Xunit.FactAttribute
    {
        public FactAttribute()
        {
            if (!Given && !InCi)
            {
                Skip = $"No PostgreSQL server: set {Variable} to a connection string (a superuser, for creating databases).";
            }
        }
    }
}
