using System.Data;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using HejSurvey.Web.Site;
using Npgsql;
using NpgsqlTypes;

namespace HejSurvey.Web.Survey;

/// <summary>
/// The response writer's batch on PostgreSQL, where several web nodes write at once, each with its own group commit.
/// One transaction per batch:
/// <list type="number">
/// <item>each round of the batch is locked first, in the order of its id (<c>FOR NO KEY UPDATE</c>), and its state is
/// read under that lock. Closing a round (an admin, the round closer, a late submission on another node) updates the
/// same row, so it waits for this batch or this batch waits for it: a submission racing a close is stored before the
/// close or refused as closed. A shared lock would not do: the batch then raises the round's response count, and two
/// nodes each holding a shared lock and each wanting to update would deadlock;</item>
/// <item>responses go in with <c>ON CONFLICT DO NOTHING</c>: the unique indexes on (round, browser) and (round, form)
/// hold across nodes, and a conflict is answered as the double click or the second answer it is;</item>
/// <item>the tallies are added with one <c>INSERT … ON CONFLICT … DO UPDATE</c> each, their rows taken in key order, so
/// that two batches touching the same cells lock them in the same order and never deadlock.</item>
/// </list>
/// </summary>
internal static class PostgresResponses
{
    private const string InsertResponse = """
        WITH response AS (
            INSERT INTO "Responses" ("RoundId", "SubmittedOn", "RespondentHash", "IdempotencyKey", "FreeText")
            VALUES (@round, @on, @hash, @key, @text)
            ON CONFLICT DO NOTHING
            RETURNING "Id"),
        answers AS (
            INSERT INTO "Answers" ("ResponseId", "QuestionKey", "Value")
            SELECT response."Id", answer.question, answer.value FROM response CROSS JOIN unnest(@questions, @values) AS answer(question, value))
        SELECT count(*) FROM response;
        """;

    public static (SubmitOutcome[] Outcomes, bool ResultsChanged) WriteBatch(NpgsqlConnection connection, IReadOnlyList<SubmittedResponse> batch, DateTime now)
    {
        var today = DateOnly.FromDateTime(SwedishTime.FromUtc(now));
        var outcomes = new SubmitOutcome[batch.Count];
        var resultsChanged = false;
        var seenKeys = new HashSet<(int, Guid)>();
        var seenBrowsers = new HashSet<(int, string)>();
        var answerCounts = new Dictionary<(int Round, string Group, string Question, int Value), long>();
        var themeSums = new Dictionary<(int Round, string Group, string Theme), (long N, double Sum, double Squares)>();
        var stored = new Dictionary<int, int>();

        using var transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted);
        var rounds = new Dictionary<int, (bool Accepts, bool ShowsResults)>();
        foreach (var roundId in batch.Select(r => r.RoundId).Distinct().Order())
        {
            rounds[roundId] = LockRound(connection, transaction, roundId, now);
        }

        using var insert = new NpgsqlCommand(InsertResponse, connection, transaction);
        var round = Add<int>(insert, "round", NpgsqlDbType.Integer);
        var on = Add<DateOnly>(insert, "on", NpgsqlDbType.Date);
        var hash = Add<string>(insert, "hash", NpgsqlDbType.Varchar);
        var key = Add<Guid>(insert, "key", NpgsqlDbType.Uuid);
        var text = insert.Parameters.Add(new NpgsqlParameter("text", NpgsqlDbType.Varchar));
        var questions = Add<string[]>(insert, "questions", NpgsqlDbType.Array | NpgsqlDbType.Varchar);
        var values = Add<int[]>(insert, "values", NpgsqlDbType.Array | NpgsqlDbType.Integer);
        using var findEarlier = new NpgsqlCommand(
            """SELECT "IdempotencyKey" FROM "Responses" WHERE "RoundId" = @round AND ("RespondentHash" = @hash OR "IdempotencyKey" = @key) LIMIT 1;""",
            connection, transaction);
        var earlierRound = Add<int>(findEarlier, "round", NpgsqlDbType.Integer);
        var earlierHash = Add<string>(findEarlier, "hash", NpgsqlDbType.Varchar);
        var earlierKey = Add<Guid>(findEarlier, "key", NpgsqlDbType.Uuid);

        for (var i = 0; i < batch.Count; i++)
        {
            var response = batch[i];
            var state = rounds[response.RoundId];
            if (!state.Accepts)
            {
                outcomes[i] = SubmitOutcome.RoundClosed;
                continue;
            }
            if (seenKeys.Contains((response.RoundId, response.IdempotencyKey)))
            {
                outcomes[i] = SubmitOutcome.AlreadyStored;
                continue;
            }
            if (seenBrowsers.Contains((response.RoundId, response.RespondentHash)))
            {
                outcomes[i] = SubmitOutcome.AlreadyAnswered;
                continue;
            }
            round.TypedValue = response.RoundId;
            on.TypedValue = today;
            hash.TypedValue = response.RespondentHash;
            key.TypedValue = response.IdempotencyKey;
            text.Value = (object?)response.FreeText ?? DBNull.Value;
            questions.TypedValue = [.. response.Answers.Keys];
            values.TypedValue = [.. response.Answers.Values];
            if (Convert.ToInt64(insert.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
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
            resultsChanged |= state.ShowsResults;
        }

        SaveTallies(connection, transaction, answerCounts, themeSums, stored);
        transaction.Commit();
        return (outcomes, resultsChanged);
    }

    /// <summary>
    /// Locks the round's row for this transaction and says whether it takes answers now and whether its results are
    /// shown while it is open; a round whose close time has passed is closed here and then, once across all nodes.
    /// </summary>
    private static (bool Accepts, bool ShowsResults) LockRound(NpgsqlConnection connection, NpgsqlTransaction transaction, int roundId, DateTime now)
    {
        using var read = new NpgsqlCommand(
            """SELECT "State", "ClosesAt", "IsPublished" AND "LiveResults" FROM "Rounds" WHERE "Id" = @round FOR NO KEY UPDATE;""",
            connection, transaction);
        read.Parameters.Add(new NpgsqlParameter<int>("round", roundId));
        bool open, closesLater, showsResults;
        using (var reader = read.ExecuteReader())
        {
            if (!reader.Read())
            {
                return (false, false);
            }
            open = (RoundState)reader.GetInt32(0) == RoundState.Open;
            closesLater = reader.IsDBNull(1) || reader.GetFieldValue<DateTime>(1) > now;
            showsResults = reader.GetBoolean(2);
        }
        if (!open)
        {
            return (false, false);
        }
        if (closesLater)
        {
            return (true, showsResults);
        }
        using var close = new NpgsqlCommand(
            """
            UPDATE "Rounds" SET "State" = @closed, "ClosedAt" = "ClosesAt" WHERE "Id" = @round;
            INSERT INTO "AuditEntries" ("At", "Admin", "Action", "Detail") SELECT @at, @admin, @action, "Slug" || ': the close time has passed' FROM "Rounds" WHERE "Id" = @round;
            """,
            connection, transaction);
        close.Parameters.Add(new NpgsqlParameter<int>("round", roundId));
        close.Parameters.Add(new NpgsqlParameter<int>("closed", (int)RoundState.Closed));
        // Closed by a late submission rather than by an admin or the round closer: the audit log says so too.
        close.Parameters.Add(new NpgsqlParameter<DateTime>("at", DateTime.SpecifyKind(now, DateTimeKind.Utc)));
        close.Parameters.Add(new NpgsqlParameter<string>("admin", AuditLog.System));
        close.Parameters.Add(new NpgsqlParameter<string>("action", AuditAction.RoundClosed));
        close.ExecuteNonQuery();
        return (false, false);
    }

    private static NpgsqlParameter<T> Add<T>(NpgsqlCommand command, string name, NpgsqlDbType type)
    {
        var parameter = new NpgsqlParameter<T>(name, type);
        command.Parameters.Add(parameter);
        return parameter;
    }

    private static void SaveTallies(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        Dictionary<(int Round, string Group, string Question, int Value), long> answerCounts,
        Dictionary<(int Round, string Group, string Theme), (long N, double Sum, double Squares)> themeSums,
        Dictionary<int, int> stored)
    {
        if (answerCounts.Count > 0)
        {
            // The cells travel as arrays; ORDER BY makes every node lock the rows it adds to in the same order.
            using var answers = new NpgsqlCommand(
                """
                INSERT INTO "AnswerTallies" ("RoundId", "GroupKey", "QuestionKey", "Value", "Count")
                SELECT * FROM unnest(@rounds, @groups, @questions, @values, @counts) AS cell ORDER BY 1, 2, 3, 4
                ON CONFLICT ("RoundId", "GroupKey", "QuestionKey", "Value") DO UPDATE SET "Count" = "AnswerTallies"."Count" + excluded."Count";
                """,
                connection, transaction);
            answers.Parameters.Add(new NpgsqlParameter<int[]>("rounds", [.. answerCounts.Keys.Select(k => k.Round)]));
            answers.Parameters.Add(new NpgsqlParameter<string[]>("groups", [.. answerCounts.Keys.Select(k => k.Group)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            answers.Parameters.Add(new NpgsqlParameter<string[]>("questions", [.. answerCounts.Keys.Select(k => k.Question)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            answers.Parameters.Add(new NpgsqlParameter<int[]>("values", [.. answerCounts.Keys.Select(k => k.Value)]));
            answers.Parameters.Add(new NpgsqlParameter<long[]>("counts", [.. answerCounts.Values]));
            answers.ExecuteNonQuery();
        }
        if (themeSums.Count > 0)
        {
            using var themes = new NpgsqlCommand(
                """
                INSERT INTO "ThemeTallies" ("RoundId", "GroupKey", "ThemeKey", "N", "Sum", "SumOfSquares")
                SELECT * FROM unnest(@rounds, @groups, @themes, @n, @sums, @squares) AS cell ORDER BY 1, 2, 3
                ON CONFLICT ("RoundId", "GroupKey", "ThemeKey") DO UPDATE
                SET "N" = "ThemeTallies"."N" + excluded."N", "Sum" = "ThemeTallies"."Sum" + excluded."Sum",
                    "SumOfSquares" = "ThemeTallies"."SumOfSquares" + excluded."SumOfSquares";
                """,
                connection, transaction);
            themes.Parameters.Add(new NpgsqlParameter<int[]>("rounds", [.. themeSums.Keys.Select(k => k.Round)]));
            themes.Parameters.Add(new NpgsqlParameter<string[]>("groups", [.. themeSums.Keys.Select(k => k.Group)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            themes.Parameters.Add(new NpgsqlParameter<string[]>("themes", [.. themeSums.Keys.Select(k => k.Theme)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            themes.Parameters.Add(new NpgsqlParameter<long[]>("n", [.. themeSums.Values.Select(v => v.N)]));
            themes.Parameters.Add(new NpgsqlParameter<double[]>("sums", [.. themeSums.Values.Select(v => v.Sum)]));
            themes.Parameters.Add(new NpgsqlParameter<double[]>("squares", [.. themeSums.Values.Select(v => v.Squares)]));
            themes.ExecuteNonQuery();
        }
        using var responses = new NpgsqlCommand("""UPDATE "Rounds" SET "ResponseCount" = "ResponseCount" + @count WHERE "Id" = @round;""", connection, transaction);
        var round = Add<int>(responses, "round", NpgsqlDbType.Integer);
        var count = Add<int>(responses, "count", NpgsqlDbType.Integer);
        foreach (var (roundId, n) in stored.OrderBy(s => s.Key))
        {
            round.TypedValue = roundId;
            count.TypedValue = n;
            responses.ExecuteNonQuery();
        }
    }
}
