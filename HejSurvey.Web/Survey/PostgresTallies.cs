using HejSurvey.Web.Data;
using HejSurvey.Web.OpenResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace HejSurvey.Web.Survey;

/// <summary>
/// The tallies on PostgreSQL, where the response writers of several nodes store at once. A writer's batch does not
/// add to the shared tally rows: it appends one row of <c>PendingTallies</c> with everything the batch adds, in the
/// same transaction as its responses. The writers of two nodes then never wait for each other's tally rows, and a
/// batch writes one row instead of updating hundreds. Once a second one node folds the pending rows into the tallies
/// and deletes them, in one transaction; every reader of the tallies adds in the rows not yet folded, so that a
/// snapshot's tallies are exact for the responses it sees and agree with the round's count of the same snapshot.
/// </summary>
public static class PostgresTallies
{
    /// <summary>The advisory lock that lets one fold run at a time across nodes ("HejFold" in ASCII).</summary>
    internal const long FoldLock = 0x48656A466F6C64;

    /// <summary>The answer cells of pending rows <c>p</c>, as <c>c</c>: round, group, question, value and count.</summary>
    private const string PendingAnswers = """unnest(p."Rounds", p."Groups", p."Questions", p."Values", p."Counts") AS c(round, grp, question, value, count)""";

    /// <summary>The theme cells of pending rows <c>p</c>, as <c>t</c>: round, group, theme, n, sum and sum of squares.</summary>
    private const string PendingThemes = """unnest(p."ThemeRounds", p."ThemeGroups", p."Themes", p."ThemeN", p."ThemeSums", p."ThemeSquares") AS t(round, grp, theme, n, sum, squares)""";

    /// <summary>Every answer tally with the pending rows added in: round, group, question, value and count.</summary>
    internal const string AnswerCells = $"""
        SELECT "RoundId", "GroupKey", "QuestionKey", "Value", sum("Count")::bigint AS "Count" FROM (
            SELECT "RoundId", "GroupKey", "QuestionKey", "Value", "Count" FROM "AnswerTallies"
            UNION ALL
            SELECT c.* FROM "PendingTallies" p, {PendingAnswers}) AS cell
        GROUP BY 1, 2, 3, 4
        """;

    /// <summary>Every theme tally with the pending rows added in: round, group, theme, n, sum and sum of squares.</summary>
    internal const string ThemeCells = $"""
        SELECT "RoundId", "GroupKey", "ThemeKey", sum("N")::bigint AS "N", sum("Sum") AS "Sum", sum("SumOfSquares") AS "SumOfSquares" FROM (
            SELECT "RoundId", "GroupKey", "ThemeKey", "N", "Sum", "SumOfSquares" FROM "ThemeTallies"
            UNION ALL
            SELECT t.* FROM "PendingTallies" p, {PendingThemes}) AS cell
        GROUP BY 1, 2, 3
        """;

    /// <summary>The batch's additions to the tallies as one pending row, a command of the writer's batch.</summary>
    internal static NpgsqlBatchCommand Pending(
        Dictionary<(int Round, string Group, string Question, int Value), long> answerCounts,
        Dictionary<(int Round, string Group, string Theme), (long N, double Sum, double Squares)> themeSums)
    {
        var pending = new NpgsqlBatchCommand(
            """
            INSERT INTO "PendingTallies" ("Rounds", "Groups", "Questions", "Values", "Counts", "ThemeRounds", "ThemeGroups", "Themes", "ThemeN", "ThemeSums", "ThemeSquares")
            VALUES (@rounds, @groups, @questions, @values, @counts, @themeRounds, @themeGroups, @themes, @n, @sums, @squares);
            """);
        pending.Parameters.Add(new NpgsqlParameter<int[]>("rounds", [.. answerCounts.Keys.Select(k => k.Round)]));
        pending.Parameters.Add(Texts("groups", answerCounts.Keys.Select(k => k.Group)));
        pending.Parameters.Add(Texts("questions", answerCounts.Keys.Select(k => k.Question)));
        pending.Parameters.Add(new NpgsqlParameter<int[]>("values", [.. answerCounts.Keys.Select(k => k.Value)]));
        pending.Parameters.Add(new NpgsqlParameter<long[]>("counts", [.. answerCounts.Values]));
        pending.Parameters.Add(new NpgsqlParameter<int[]>("themeRounds", [.. themeSums.Keys.Select(k => k.Round)]));
        pending.Parameters.Add(Texts("themeGroups", themeSums.Keys.Select(k => k.Group)));
        pending.Parameters.Add(Texts("themes", themeSums.Keys.Select(k => k.Theme)));
        pending.Parameters.Add(new NpgsqlParameter<long[]>("n", [.. themeSums.Values.Select(v => v.N)]));
        pending.Parameters.Add(new NpgsqlParameter<double[]>("sums", [.. themeSums.Values.Select(v => v.Sum)]));
        pending.Parameters.Add(new NpgsqlParameter<double[]>("squares", [.. themeSums.Values.Select(v => v.Squares)]));
        return pending;
    }

    private static NpgsqlParameter<string[]> Texts(string name, IEnumerable<string> texts) =>
        new(name, [.. texts]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    /// <summary>
    /// Adds the pending rows to the tallies and deletes them, in one transaction; returns how many it folded, or null
    /// when another node was folding. A row committed while the fold runs is not in its snapshot and waits for the next.
    /// The tally rows are taken in key order, as the copy and the SQLite writer do, so two transactions never deadlock.
    /// </summary>
    public static async Task<int?> FoldAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var take = new NpgsqlCommand($"SELECT pg_try_advisory_xact_lock({FoldLock});", connection, transaction))
        {
            if (await take.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return null;
            }
        }
        await using var fold = new NpgsqlCommand(
            $"""
            WITH folded AS (DELETE FROM "PendingTallies" RETURNING *),
            answers AS (
                INSERT INTO "AnswerTallies" ("RoundId", "GroupKey", "QuestionKey", "Value", "Count")
                SELECT c.round, c.grp, c.question, c.value, sum(c.count)
                FROM folded AS p, {PendingAnswers}
                GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
                ON CONFLICT ("RoundId", "GroupKey", "QuestionKey", "Value") DO UPDATE SET "Count" = "AnswerTallies"."Count" + excluded."Count"),
            themes AS (
                INSERT INTO "ThemeTallies" ("RoundId", "GroupKey", "ThemeKey", "N", "Sum", "SumOfSquares")
                SELECT t.round, t.grp, t.theme, sum(t.n), sum(t.sum), sum(t.squares)
                FROM folded AS p, {PendingThemes}
                GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
                ON CONFLICT ("RoundId", "GroupKey", "ThemeKey") DO UPDATE
                SET "N" = "ThemeTallies"."N" + excluded."N", "Sum" = "ThemeTallies"."Sum" + excluded."Sum",
                    "SumOfSquares" = "ThemeTallies"."SumOfSquares" + excluded."SumOfSquares")
            SELECT count(*)::int FROM folded;
            """,
            connection,
            transaction);
        var folded = (int)(await fold.ExecuteScalarAsync(cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return folded;
    }

    /// <summary>The round's tallies with its pending rows added in, read in the context's transaction (which keeps its connection open).</summary>
    public static async Task<RoundTallies> ReadAsync(SurveyDb db, int roundId, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction)(db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("The tallies are read inside the transaction that read the round's count."));
        await using var read = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"""SELECT "GroupKey", "QuestionKey", "Value", "Count" FROM ({AnswerCells}) AS cell WHERE "RoundId" = @round;""")
                {
                    Parameters = { new NpgsqlParameter<int>("round", roundId) },
                },
                new NpgsqlBatchCommand($"""SELECT "GroupKey", "ThemeKey", "N", "Sum", "SumOfSquares" FROM ({ThemeCells}) AS cell WHERE "RoundId" = @round;""")
                {
                    Parameters = { new NpgsqlParameter<int>("round", roundId) },
                },
            },
        };
        var counts = new Dictionary<(string Group, string Question, int Value), long>();
        var themes = new Dictionary<(string Group, string Theme), ThemeTally>();
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                counts[(reader.GetString(0), reader.GetString(1), reader.GetInt32(2))] = reader.GetInt64(3);
            }
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var (group, theme) = (reader.GetString(0), reader.GetString(1));
                themes[(group, theme)] = new ThemeTally
                {
                    RoundId = roundId,
                    GroupKey = group,
                    ThemeKey = theme,
                    N = reader.GetInt64(2),
                    Sum = reader.GetDouble(3),
                    SumOfSquares = reader.GetDouble(4),
                };
            }
        }
        return new RoundTallies(counts, themes);
    }
}

/// <summary>Folds the pending tallies once a second on every PostgreSQL node; the advisory lock lets one at a time do it.</summary>
internal sealed class PendingTallyFolder(SurveyConnection database, ILogger<PendingTallyFolder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var connection = new NpgsqlConnection(database.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                await PostgresTallies.FoldAsync(connection, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Nothing is lost: the pending rows stay, every reader adds them in, and the next second tries again.
                logger.LogWarning(ex, "Could not fold the pending tallies; trying again in a second.");
            }
        }
    }
}
