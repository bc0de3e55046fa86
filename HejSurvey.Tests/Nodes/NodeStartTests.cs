using HejSurvey.Tests.Security;
using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HejSurvey.Tests.Nodes;

/// <summary>
/// Nodes behind a load balancer start together, also on a new database: whichever stores the shipped questionnaire
/// versions or the first Data Protection key first, every node starts, each version is stored once, and there is one
/// key, which both use.
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

    [PostgresFact]
    public async Task Nodes_that_start_together_on_a_database_without_keys_make_one_key_and_share_it()
    {
        var connectionString = PostgresServer.MigratedDatabase();
        try
        {
            var certificate = TestCertificates.Pfx(folder);
            using var a = WebNodes.Node(connectionString, certificate);
            using var b = WebNodes.Node(connectionString, certificate);
            Task starting;
            // Every key a node stores waits until the test lets it go, so that both nodes read the keys before either
            // one's key is stored: what two nodes starting together on a new database may do by chance.
            await using (var holder = new NpgsqlConnection(connectionString))
            {
                await holder.OpenAsync();
                await using (var hold = new NpgsqlCommand(
                    """
                    CREATE FUNCTION test_hold_new_keys() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_xact_lock_shared(1717); RETURN NEW; END $$;
                    CREATE TRIGGER hold_new_keys BEFORE INSERT ON "DataProtectionKeys" FOR EACH ROW EXECUTE FUNCTION test_hold_new_keys();
                    SELECT pg_advisory_lock(1717);
                    """, holder))
                {
                    await hold.ExecuteNonQueryAsync();
                }
                starting = Task.WhenAll(a.StartAsync(), b.StartAsync());
                // Both nodes wait: each to store its key, or one to store its key and the other for the first one.
                await WaitingOnLockAsync(connectionString, starting, waiting: 2, what: "advisory");
                await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(1717)", holder);
                await release.ExecuteNonQueryAsync();
            }
            await starting;

            await using (var db = PostgresServer.Context(connectionString))
            {
                Assert.Single(await db.DataProtectionKeys.AsNoTracking().ToListAsync());
            }
            var round = await CreateRoundAsync(connectionString);
            using var respondent = new NodeBrowser();
            var (_, sent) = await TwoNodeTests.AnswerAsync(respondent, from: a, to: b, round);
            using (sent)
            {
                Assert.Equal($"/survey/{round}/thanks", sent.Headers.Location?.OriginalString);
            }
        }
        finally
        {
            PostgresServer.DropDatabase(connectionString);
        }
    }

    private static async Task<string> CreateRoundAsync(string connectionString)
    {
        await using var db = PostgresServer.Context(connectionString);
        var shipped = ShippedQuestionnaires.Newest;
        db.Rounds.Add(new Round
        {
            Slug = "nodes-keys",
            TitleSv = "Nycklar",
            TitleEn = "Keys",
            QuestionnaireId = (await db.Questionnaires.SingleAsync(q => q.Key == shipped.Key && q.Version == shipped.Version)).Id,
            State = RoundState.Open,
            CreatedAt = DateTime.UtcNow,
            OpenedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
        return "nodes-keys";
    }

    private static async Task WaitingOnLockAsync(string connectionString, Task starting, int waiting = 1, string? what = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var waiters = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = coalesce($1, wait_event)", connection)
        {
            Parameters = { new() { Value = (object?)what ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text } },
        };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Convert.ToInt64(await waiters.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) < waiting)
        {
            // A node that started without waiting never met the other: the test would prove nothing.
            Assert.False(starting.IsCompleted, "the node started without waiting for the lock");
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), "the node never waited for the lock");
            await Task.Delay(20);
        }
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
