using HejSurvey.Tests.Security;
using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HejSurvey.Tests.Nodes;

/// <summary>
/// Nodes behind a load balancer start together, also on a new database: whichever stores the shipped questionnaire
/// versions first, every node starts, and each version is stored once.
/// </summary>
[Trait("Category", "PostgreSQL")]
public sealed class NodeStartTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("hejsurvey-node-start-").FullName;

    [PostgresFact]
    public async Task A_node_whose_first_start_races_another_for_the_shipped_questionnaires_starts_all_the_same()
    {
        var connectionString = PostgresServer.MigratedDatabase();
        try
        {
            var shipped = QuestionnaireDefinition.Embedded().ToList();
            // The other node, in the middle of its start: it has stored the shipped versions and not yet committed.
            await using (var other = PostgresServer.Context(connectionString))
            {
                await using var transaction = await other.Database.BeginTransactionAsync();
                foreach (var (json, definition) in shipped)
                {
                    other.Questionnaires.Add(new Questionnaire { Key = definition.Key, Version = definition.Version, Definition = json, CreatedAt = DateTime.UtcNow, IsFinal = true, FinalizedAt = DateTime.UtcNow });
                }
                await other.SaveChangesAsync();

                using var node = WebNodes.Node(connectionString, TestCertificates.Pfx(folder));
                var starting = node.StartAsync();
                // The node found no versions (they are not committed), stored its own, and now waits on the unique index.
                await WaitingOnLockAsync(connectionString, starting);
                await transaction.CommitAsync();

                await starting;
            }

            await using var db = PostgresServer.Context(connectionString);
            var stored = await db.Questionnaires.AsNoTracking().Select(q => new { q.Key, q.Version }).ToListAsync();
            Assert.Equal(shipped.Select(s => (s.Definition.Key, s.Definition.Version)).Order(), stored.Select(q => (q.Key, q.Version)).Order());
        }
        finally
        {
            PostgresServer.DropDatabase(connectionString);
        }
    }

    private static async Task WaitingOnLockAsync(string connectionString, Task starting)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var waiting = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", connection);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Convert.ToInt64(await waiting.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            // A node that started without waiting has not met the other's rows at all: the test would prove nothing.
            Assert.False(starting.IsCompleted, "the node started without waiting for the other's questionnaires");
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), "the node never waited for the other's questionnaires");
            await Task.Delay(20);
        }
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
