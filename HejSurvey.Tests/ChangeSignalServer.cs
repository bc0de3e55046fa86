namespace HejSurvey.Tests;

/// <summary>
/// A database of its own on the tests' PostgreSQL server (see <see cref="PostgresServer"/>), created for one test class
/// and dropped after it. The change signal needs no tables, only a database the nodes share.
/// </summary>
public sealed class ChangeSignalServer : IAsyncLifetime
{
    /// <summary>The connection string of this fixture's database.</summary>
    public string ConnectionString { get; private set; } = "";

    public Task InitializeAsync()
    {
        // Where the tests are skipped, no database is made.
        if (PostgresServer.SkipReason is null)
        {
            ConnectionString = PostgresServer.EmptyDatabase();
        }
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        if (ConnectionString.Length > 0)
        {
            PostgresServer.DropDatabase(ConnectionString);
        }
        return Task.CompletedTask;
    }
}
