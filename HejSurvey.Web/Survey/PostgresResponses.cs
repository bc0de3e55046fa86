using System.Data;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using HejSurvey.Web.Site;
using Npgsql;
using NpgsqlTypes;

namespace HejSurvey.Web.Survey;

/// <summary>
/// The response writer's batch on PostgreSQL, where several web nodes write at once, each with its own group commit.
/// One transaction per batch, whose writes the batches of other nodes never wait for until the last statement:
/// <list type="number">
/// <item>each round of the batch is read, without a lock, for whether it takes answers now. A round whose close time
/// has passed is first closed in a transaction of its own (once across all nodes), and the batch begins again, so
/// that a batch never holds one round's row while it waits for another's;</item>
/// <item>responses go in with <c>ON CONFLICT DO NOTHING</c>, the whole batch with one statement: the unique indexes on (round, browser) and (round, form)
/// hold across nodes, and a conflict is answered as the double click or the second answer it is;</item>
/// <item>last, in one round trip, each round's response count is raised in the order of the rounds' ids, only while
/// the round is open, and what the batch adds to the tallies goes in as one pending row (<see cref="PostgresTallies"/>),
/// so that two nodes never update the same tally rows at once. Closing a round (an admin, the round closer, a late
/// submission on another node) updates the round's row too, so the close waits for this batch or this batch finds the
/// round closed, rolls back and is judged again: a submission racing a close is stored before the close or refused as
/// closed. The row is locked only from this statement to the commit, so the batches of two nodes take turns for the
/// commit alone.</item>
/// </list>
/// The reads, the insert and the tallies are prepared: the writer keeps its connection, so the server parses and plans
/// each of them once for that connection instead of once per batch (Npgsql prepares nothing unless asked). Preparing
/// a statement the connection already has costs no round trip; a connection that failed is dropped, and its
/// successor prepares them again.
/// </summary>
internal static class PostgresResponses
{
    /// <summary>
    /// A batch's responses and all their answers in one statement: a round trip to the server per batch rather than per
    /// response. The answers travel flattened, each with its response's round and idempotency key, and go in only for the
    /// responses that went in; the statement returns those.
    /// </summary>
    private const string InsertResponses = """
        WITH response AS (
            INSERT INTO "Responses" ("RoundId", "SubmittedOn", "RespondentHash", "IdempotencyKey", "FreeText")
            SELECT r.round, @on, r.hash, r.key, r.text FROM unnest(@rounds, @hashes, @keys, @texts) AS r(round, hash, key, text)
            ON CONFLICT DO NOTHING
            RETURNING "Id", "RoundId", "IdempotencyKey"),
        answers AS (
            INSERT INTO "Answers" ("ResponseId", "QuestionKey", "Value")
            SELECT response."Id", a.question, a.value
            FROM response JOIN unnest(@answerRounds, @answerKeys, @questions, @values) AS a(round, key, question, value)
                ON a.round = response."RoundId" AND a.key = response."IdempotencyKey")
        SELECT "RoundId", "IdempotencyKey" FROM response;
        """;

    public static (SubmitOutcome[] Outcomes, bool ResultsChanged) WriteBatch(NpgsqlConnection connection, IReadOnlyList<SubmittedResponse> batch, DateTime now)
    {
        var today = DateOnly.FromDateTime(SwedishTime.FromUtc(now));
        var outcomes = new SubmitOutcome[batch.Count];
        var seenKeys = new HashSet<(int, Guid)>();
        var seenBrowsers = new HashSet<(int, string)>();
        var answerCounts = new Dictionary<(int Round, string Group, string Question, int Value), long>();
        var themeSums = new Dictionary<(int Round, string Group, string Theme), (long N, double Sum, double Squares)>();
        var stored = new Dictionary<int, int>();

        using var transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted);
        var rounds = new Dictionary<int, bool>();
        foreach (var roundId in batch.Select(r => r.RoundId).Distinct().Order())
        {
            if (ReadRound(connection, transaction, roundId, now) is not { } accepts)
            {
                // Its close time has passed: closed on its own, so that this transaction holds no round's row while
                // it waits for another, and the batch judged again finds the round closed.
                transaction.Rollback();
                CloseLate(connection, roundId, now);
                return WriteBatch(connection, batch, now);
            }
            rounds[roundId] = accepts;
        }

        using var findEarlier = new NpgsqlCommand(
            """SELECT "IdempotencyKey" FROM "Responses" WHERE "RoundId" = @round AND ("RespondentHash" = @hash OR "IdempotencyKey" = @key) LIMIT 1;""",
            connection, transaction);
        var earlierRound = Add<int>(findEarlier, "round", NpgsqlDbType.Integer);
        var earlierHash = Add<string>(findEarlier, "hash", NpgsqlDbType.Varchar);
        var earlierKey = Add<Guid>(findEarlier, "key", NpgsqlDbType.Uuid);

        // Each response is judged against everything stored before it, in the order of the batch, as if one at a time: a
        // response that shares its form or browser with an earlier one still undecided waits for that one's outcome and
        // goes in with the next statement. Almost always there is none, and the whole batch goes in with one statement.
        var waiting = new List<int>();
        for (var i = 0; i < batch.Count; i++)
        {
            if (rounds[batch[i].RoundId])
            {
                waiting.Add(i);
            }
            else
            {
                outcomes[i] = SubmitOutcome.RoundClosed;
            }
        }
        while (waiting.Count > 0)
        {
            var goingIn = new List<int>();
            var later = new List<int>();
            var undecidedKeys = new HashSet<(int, Guid)>();
            var undecidedBrowsers = new HashSet<(int, string)>();
            foreach (var i in waiting)
            {
                var response = batch[i];
                var form = (response.RoundId, response.IdempotencyKey);
                var browser = (response.RoundId, response.RespondentHash);
                if (undecidedKeys.Contains(form) || undecidedBrowsers.Contains(browser))
                {
                    later.Add(i);
                }
                else if (seenKeys.Contains(form))
                {
                    outcomes[i] = SubmitOutcome.AlreadyStored;
                    continue;
                }
                else if (seenBrowsers.Contains(browser))
                {
                    outcomes[i] = SubmitOutcome.AlreadyAnswered;
                    continue;
                }
                else
                {
                    goingIn.Add(i);
                }
                undecidedKeys.Add(form);
                undecidedBrowsers.Add(browser);
            }

            var inserted = Insert(connection, transaction, batch, goingIn, today);
            foreach (var i in goingIn)
            {
                var response = batch[i];
                if (!inserted.Contains((response.RoundId, response.IdempotencyKey)))
                {
                    // Stored before, on this node or another: the same form again, or another form from the same browser.
                    earlierRound.TypedValue = response.RoundId;
                    earlierHash.TypedValue = response.RespondentHash;
                    earlierKey.TypedValue = response.IdempotencyKey;
                    outcomes[i] = findEarlier.ExecuteScalar() is Guid earlier && earlier == response.IdempotencyKey
                        ? SubmitOutcome.AlreadyStored
                        : SubmitOutcome.AlreadyAnswered;
                    continue;
                }
                ResponseWriter.Tally(response, answerCounts, themeSums);
                seenKeys.Add((response.RoundId, response.IdempotencyKey));
                seenBrowsers.Add((response.RoundId, response.RespondentHash));
                stored[response.RoundId] = stored.GetValueOrDefault(response.RoundId) + 1;
                outcomes[i] = SubmitOutcome.Stored;
            }
            waiting = later;
        }

        if (SaveTallies(connection, transaction, answerCounts, themeSums, stored) is not { } showsResults)
        {
            // A round of the batch was closed on its way in: nothing of the batch is kept, and judged again it finds
            // the round closed.
            transaction.Rollback();
            return WriteBatch(connection, batch, now);
        }
        transaction.Commit();
        return (outcomes, showsResults);
    }

    /// <summary>Inserts the responses <paramref name="chosen"/> of the batch with their answers; returns those that went in.</summary>
    private static HashSet<(int Round, Guid Key)> Insert(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<SubmittedResponse> batch, List<int> chosen, DateOnly today)
    {
        var inserted = new HashSet<(int, Guid)>();
        if (chosen.Count == 0)
        {
            return inserted;
        }
        var answerCount = chosen.Sum(i => batch[i].Answers.Count);
        var answerRounds = new int[answerCount];
        var answerKeys = new Guid[answerCount];
        var questions = new string[answerCount];
        var values = new int[answerCount];
        var at = 0;
        foreach (var i in chosen)
        {
            foreach (var (question, value) in batch[i].Answers)
            {
                answerRounds[at] = batch[i].RoundId;
                answerKeys[at] = batch[i].IdempotencyKey;
                questions[at] = question;
                values[at] = value;
                at++;
            }
        }
        using var insert = new NpgsqlCommand(InsertResponses, connection, transaction);
        Add<DateOnly>(insert, "on", NpgsqlDbType.Date).TypedValue = today;
        Add<int[]>(insert, "rounds", NpgsqlDbType.Array | NpgsqlDbType.Integer).TypedValue = [.. chosen.Select(i => batch[i].RoundId)];
        Add<string[]>(insert, "hashes", NpgsqlDbType.Array | NpgsqlDbType.Varchar).TypedValue = [.. chosen.Select(i => batch[i].RespondentHash)];
        Add<Guid[]>(insert, "keys", NpgsqlDbType.Array | NpgsqlDbType.Uuid).TypedValue = [.. chosen.Select(i => batch[i].IdempotencyKey)];
        Add<string?[]>(insert, "texts", NpgsqlDbType.Array | NpgsqlDbType.Varchar).TypedValue = [.. chosen.Select(i => batch[i].FreeText)];
        Add<int[]>(insert, "answerRounds", NpgsqlDbType.Array | NpgsqlDbType.Integer).TypedValue = answerRounds;
        Add<Guid[]>(insert, "answerKeys", NpgsqlDbType.Array | NpgsqlDbType.Uuid).TypedValue = answerKeys;
        Add<string[]>(insert, "questions", NpgsqlDbType.Array | NpgsqlDbType.Varchar).TypedValue = questions;
        Add<int[]>(insert, "values", NpgsqlDbType.Array | NpgsqlDbType.Integer).TypedValue = values;
        insert.Prepare();
        using var reader = insert.ExecuteReader();
        while (reader.Read())
        {
            inserted.Add((reader.GetInt32(0), reader.GetGuid(1)));
        }
        return inserted;
    }

    /// <summary>
    /// Says whether the round takes answers now, or null when it is open and its close time has passed. Whether it is
    /// still open when the batch commits is settled by the count's update (<see cref="SaveTallies"/>).
    /// </summary>
    private static bool? ReadRound(NpgsqlConnection connection, NpgsqlTransaction transaction, int roundId, DateTime now)
    {
        using var read = new NpgsqlCommand("""SELECT "State", "ClosesAt" FROM "Rounds" WHERE "Id" = @round;""", connection, transaction);
        read.Parameters.Add(new NpgsqlParameter<int>("round", roundId));
        read.Prepare();
        using var reader = read.ExecuteReader();
        if (!reader.Read() || (RoundState)reader.GetInt32(0) != RoundState.Open)
        {
            return false;
        }
        return reader.IsDBNull(1) || reader.GetFieldValue<DateTime>(1) > now ? true : null;
    }

    /// <summary>
    /// Closes an open round whose close time has passed, in a transaction of its own: once across all nodes, since only
    /// the first update finds it open, with one audit entry.
    /// </summary>
    private static void CloseLate(NpgsqlConnection connection, int roundId, DateTime now)
    {
        using var close = new NpgsqlCommand(
            """
            WITH closed AS (
                UPDATE "Rounds" SET "State" = @closed, "ClosedAt" = "ClosesAt"
                WHERE "Id" = @round AND "State" = @open AND "ClosesAt" <= @at
                RETURNING "Slug")
            INSERT INTO "AuditEntries" ("At", "Admin", "Action", "Detail") SELECT @at, @admin, @action, "Slug" || ': the close time has passed' FROM closed;
            """,
            connection);
        close.Parameters.Add(new NpgsqlParameter<int>("round", roundId));
        close.Parameters.Add(new NpgsqlParameter<int>("closed", (int)RoundState.Closed));
        close.Parameters.Add(new NpgsqlParameter<int>("open", (int)RoundState.Open));
        // Closed by a late submission rather than by an admin or the round closer: the audit log says so too.
        close.Parameters.Add(new NpgsqlParameter<DateTime>("at", DateTime.SpecifyKind(now, DateTimeKind.Utc)));
        close.Parameters.Add(new NpgsqlParameter<string>("admin", AuditLog.System));
        close.Parameters.Add(new NpgsqlParameter<string>("action", AuditAction.RoundClosed));
        close.ExecuteNonQuery();
    }

    private static NpgsqlParameter<T> Add<T>(NpgsqlCommand command, string name, NpgsqlDbType type)
    {
        var parameter = new NpgsqlParameter<T>(name, type);
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>
    /// Each round's response count and the batch's pending tallies, sent together as one round trip. Says whether the
    /// results of a round that took answers are shown while it is open, as the round stands at the commit (so a
    /// publication racing the batch is seen); null when a round was closed since <see cref="ReadRound"/>, and the batch
    /// must not be kept.
    /// </summary>
    private static bool? SaveTallies(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        Dictionary<(int Round, string Group, string Question, int Value), long> answerCounts,
        Dictionary<(int Round, string Group, string Theme), (long N, double Sum, double Squares)> themeSums,
        Dictionary<int, int> stored)
    {
        if (stored.Count == 0)
        {
            return false;
        }
        using var tallies = new NpgsqlBatch(connection, transaction);
        foreach (var (roundId, n) in stored.OrderBy(s => s.Key))
        {
            var responses = new NpgsqlBatchCommand(
                """UPDATE "Rounds" SET "ResponseCount" = "ResponseCount" + @count WHERE "Id" = @round AND "State" = @open RETURNING "IsPublished" AND "LiveResults";""");
            responses.Parameters.Add(new NpgsqlParameter<int>("round", roundId));
            responses.Parameters.Add(new NpgsqlParameter<int>("count", n));
            responses.Parameters.Add(new NpgsqlParameter<int>("open", (int)RoundState.Open));
            tallies.BatchCommands.Add(responses);
        }
        tallies.BatchCommands.Add(PostgresTallies.Pending(answerCounts, themeSums));
        tallies.Prepare();
        var showsResults = false;
        using (var reader = tallies.ExecuteReader())
        {
            // One result per round, in the order of the updates; a round no longer open returns no row.
            for (var i = 0; i < stored.Count; i++)
            {
                if (!reader.Read())
                {
                    return null;
                }
                showsResults |= reader.GetBoolean(0);
                reader.NextResult();
            }
        }
        return showsResults;
    }
}
