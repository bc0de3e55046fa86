using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using HejSurvey.Web.Site;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace HejSurvey.Web.Survey;

/// <summary>A complete, validated response waiting to be stored.</summary>
public sealed record SubmittedResponse(
    int RoundId,
    QuestionnaireDefinition Questionnaire,
    string RespondentHash,
    Guid IdempotencyKey,
    IReadOnlyDictionary<string, int> Answers,
    string? FreeText);

public enum SubmitOutcome
{
    Stored,

    /// <summary>The same form (idempotency key) was stored before: a double click or a resent POST.</summary>
    AlreadyStored,

    /// <summary>This browser has already answered the round.</summary>
    AlreadyAnswered,

    /// <summary>The round is not open, or its close time has passed.</summary>
    RoundClosed,
}

/// <summary>
/// The single writer of responses. Requests queue their response here; one loop stores whatever has
/// queued up in one transaction (group commit) together with the tallies the results read, and answers
/// each request only after that transaction has committed. SQLite takes one writer at a time anyway, so
/// this turns many small fsyncs into one without ever acknowledging an answer that is not on disk. On PostgreSQL
/// each web node has its own writer and group commit (<see cref="PostgresResponses"/>).
/// </summary>
public sealed class ResponseWriter(SurveyConnection database, TimeProvider clock, ILogger<ResponseWriter> logger, SiteChanges? changes = null) : BackgroundService
{
    private const int MaxBatch = 256;

    private readonly Channel<Pending> queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Queues the response and waits for its commit. Throws when the database cannot store it now.</summary>
    public async Task<SubmitOutcome> SubmitAsync(SubmittedResponse response, CancellationToken cancellationToken)
    {
        var pending = new Pending(response, new TaskCompletionSource<SubmitOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        await queue.Writer.WriteAsync(pending, cancellationToken);
        // Not cancelled by the request: once queued the response is stored, and the outcome must stay true.
        return await pending.Done.Task;
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        SqliteConnection? connection = null;
        NpgsqlConnection? postgres = null;
        // Drains the queue even while stopping: everything queued is either stored or answered with an error.
        while (await queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }
            try
            {
                SubmitOutcome[] outcomes;
                bool resultsChanged;
                if (database.Provider == DatabaseProvider.PostgreSQL)
                {
                    postgres ??= database.OpenPostgres();
                    (outcomes, resultsChanged) = PostgresResponses.WriteBatch(postgres, [.. batch.Select(p => p.Response)], clock.GetUtcNow().UtcDateTime);
                }
                else
                {
                    connection ??= database.Open();
                    (outcomes, resultsChanged) = WriteBatch(connection, batch);
                }
                // Only answers to a round whose results are shown while it is open change a results page; a refused
                // submission may have closed its round, which changes what the results show as well.
                if (changes is not null && (resultsChanged || outcomes.Contains(SubmitOutcome.RoundClosed)))
                {
                    // Before anyone is answered, so a respondent who goes on to the results (on any node) sees their answers counted.
                    await changes.ResultsChangedAsync();
                }
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(outcomes[i]);
                }
            }
            // Whatever went wrong, the loop must live on: the respondents are told to try again and the next
            // batch starts on a fresh connection.
            catch (Exception ex)
            {
                logger.LogError(ex, "Could not store {Count} responses; the respondents are asked to try again.", batch.Count);
                // A fresh connection next time, not one from the pool: a connection opened while the file was
                // read-only stays read-only, and one that failed mid-write is not worth keeping.
                if (connection is not null)
                {
                    SqliteConnection.ClearPool(connection);
                    connection.Dispose();
                }
                connection = null;
                if (postgres is not null)
                {
                    NpgsqlConnection.ClearPool(postgres);
                    postgres.Dispose();
                }
                postgres = null;
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(new ResponseNotStoredException(ex));
                }
            }
        }
        connection?.Dispose();
        postgres?.Dispose();
    }

    /// <summary>Stores what it can of the batch in one transaction; says whether a round whose results are shown got answers.</summary>
    private (SubmitOutcome[] Outcomes, bool ResultsChanged) WriteBatch(SqliteConnection connection, List<Pending> batch)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(SwedishTime.FromUtc(now));
        var outcomes = new SubmitOutcome[batch.Count];
        var rounds = new Dictionary<int, (bool Accepts, bool ShowsResults)>();
        var resultsChanged = false;
        var seen = new HashSet<(int, string)>();
        var answerCounts = new Dictionary<(int Round, string Group, string Question, int Value), long>();
        var themeSums = new Dictionary<(int Round, string Group, string Theme), (long N, double Sum, double Squares)>();
        var stored = new Dictionary<int, int>();

        using var transaction = connection.BeginTransaction(deferred: false);
        using var rows = new ResponseRows(connection, transaction);
        using var findEarlier = Command(connection, transaction,
            "SELECT IdempotencyKey FROM Responses WHERE RoundId = $round AND (RespondentHash = $hash OR IdempotencyKey = $key) LIMIT 1;",
            "$round", "$hash", "$key");

        for (var i = 0; i < batch.Count; i++)
        {
            var response = batch[i].Response;
            if (!rounds.TryGetValue(response.RoundId, out var round))
            {
                round = rounds[response.RoundId] = ReadRound(connection, transaction, response.RoundId, now);
            }
            var key = Text(response.IdempotencyKey);
            if (!round.Accepts)
            {
                outcomes[i] = SubmitOutcome.RoundClosed;
                continue;
            }
            if (seen.Contains((response.RoundId, key)))
            {
                outcomes[i] = SubmitOutcome.AlreadyStored;
                continue;
            }
            if (seen.Contains((response.RoundId, response.RespondentHash)))
            {
                outcomes[i] = SubmitOutcome.AlreadyAnswered;
                continue;
            }
            findEarlier.Parameters["$round"].Value = response.RoundId;
            findEarlier.Parameters["$hash"].Value = response.RespondentHash;
            findEarlier.Parameters["$key"].Value = key;
            if (findEarlier.ExecuteScalar() is string earlierKey)
            {
                outcomes[i] = earlierKey == key ? SubmitOutcome.AlreadyStored : SubmitOutcome.AlreadyAnswered;
                continue;
            }

            rows.Insert(response.RoundId, today, response.RespondentHash, response.IdempotencyKey, response.FreeText, response.Answers);
            Tally(response, answerCounts, themeSums);
            seen.Add((response.RoundId, key));
            seen.Add((response.RoundId, response.RespondentHash));
            stored[response.RoundId] = stored.GetValueOrDefault(response.RoundId) + 1;
            outcomes[i] = SubmitOutcome.Stored;
            resultsChanged |= round.ShowsResults;
        }

        SaveTallies(connection, transaction, answerCounts, themeSums, stored);
        transaction.Commit();
        return (outcomes, resultsChanged);
    }

    /// <summary>Adds one response to the tallies of everyone ("") and of each background group it belongs to.</summary>
    internal static void Tally(
        SubmittedResponse response,
        Dictionary<(int Round, string Group, string Question, int Value), long> answerCounts,
        Dictionary<(int Round, string Group, string Theme), (long N, double Sum, double Squares)> themeSums)
    {
        var groups = new List<string>(1 + response.Questionnaire.Background.Count) { "" };
        foreach (var background in response.Questionnaire.Background)
        {
            groups.Add($"{background.Key}={response.Answers[background.Key]}");
        }
        foreach (var group in groups)
        {
            foreach (var (question, value) in response.Answers)
            {
                var cell = (response.RoundId, group, question, value);
                answerCounts[cell] = answerCounts.GetValueOrDefault(cell) + 1;
            }
            foreach (var theme in response.Questionnaire.Themes)
            {
                if (ThemeIndex(theme, response.Answers) is not { } index)
                {
                    continue;
                }
                var cell = (response.RoundId, group, theme.Key);
                var (n, sum, squares) = themeSums.GetValueOrDefault(cell);
                themeSums[cell] = (n + 1, sum + index, squares + (index * index));
            }
        }
    }

    /// <summary>A respondent's index for a theme: their statements on 0–100, "don't know" left out; null if all were "don't know".</summary>
    public static double? ThemeIndex(Theme theme, IReadOnlyDictionary<string, int> answers)
    {
        var total = 0.0;
        var count = 0;
        foreach (var statement in theme.Statements)
        {
            if (answers.TryGetValue(statement.Key, out var value) && value >= QuestionnaireDefinition.ScaleMin)
            {
                total += (value - QuestionnaireDefinition.ScaleMin) * 100.0 / (QuestionnaireDefinition.ScaleMax - QuestionnaireDefinition.ScaleMin);
                count++;
            }
        }
        return count == 0 ? null : total / count;
    }

    internal static void SaveTallies(
        SqliteConnection connection,
        SqliteTransaction transaction,
        Dictionary<(int Round, string Group, string Question, int Value), long> answerCounts,
        Dictionary<(int Round, string Group, string Theme), (long N, double Sum, double Squares)> themeSums,
        Dictionary<int, int> stored)
    {
        // Every response touches some seventy answer cells: they travel as one JSON array and one statement adds
        // them all, rather than a statement per cell.
        using var answer = Command(connection, transaction,
            """
            INSERT INTO AnswerTallies (RoundId, GroupKey, QuestionKey, Value, Count)
            SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each($cells) WHERE true
            ON CONFLICT (RoundId, GroupKey, QuestionKey, Value) DO UPDATE SET Count = Count + excluded.Count;
            """,
            "$cells");
        answer.Parameters["$cells"].Value = AsJson(answerCounts);
        answer.ExecuteNonQuery();
        using var theme = Command(connection, transaction,
            """
            INSERT INTO ThemeTallies (RoundId, GroupKey, ThemeKey, N, Sum, SumOfSquares) VALUES ($round, $group, $theme, $n, $sum, $squares)
            ON CONFLICT (RoundId, GroupKey, ThemeKey) DO UPDATE
            SET N = N + excluded.N, Sum = Sum + excluded.Sum, SumOfSquares = SumOfSquares + excluded.SumOfSquares;
            """,
            "$round", "$group", "$theme", "$n", "$sum", "$squares");
        foreach (var ((round, group, themeKey), (n, sum, squares)) in themeSums)
        {
            theme.Parameters["$round"].Value = round;
            theme.Parameters["$group"].Value = group;
            theme.Parameters["$theme"].Value = themeKey;
            theme.Parameters["$n"].Value = n;
            theme.Parameters["$sum"].Value = sum;
            theme.Parameters["$squares"].Value = squares;
            theme.ExecuteNonQuery();
        }
        using var responses = Command(connection, transaction,
            "UPDATE Rounds SET ResponseCount = ResponseCount + $count WHERE Id = $round;", "$round", "$count");
        foreach (var (round, n) in stored)
        {
            responses.Parameters["$round"].Value = round;
            responses.Parameters["$count"].Value = n;
            responses.ExecuteNonQuery();
        }
    }

    /// <summary>The answer cells as a JSON array of [round, group, question, value, count].</summary>
    private static string AsJson(Dictionary<(int Round, string Group, string Question, int Value), long> answerCounts)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var ((round, group, question, value), count) in answerCounts)
            {
                json.WriteStartArray();
                json.WriteNumberValue(round);
                json.WriteStringValue(group);
                json.WriteStringValue(question);
                json.WriteNumberValue(value);
                json.WriteNumberValue(count);
                json.WriteEndArray();
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Whether the round takes answers now, and whether its results are shown while it is open (published with live
    /// results); a round whose close time has passed is closed here and then.
    /// </summary>
    private static (bool Accepts, bool ShowsResults) ReadRound(SqliteConnection connection, SqliteTransaction transaction, int roundId, DateTime now)
    {
        using var read = Command(connection, transaction, "SELECT State, ClosesAt, IsPublished AND LiveResults FROM Rounds WHERE Id = $round;", "$round");
        read.Parameters["$round"].Value = roundId;
        using var reader = read.ExecuteReader();
        if (!reader.Read() || (RoundState)reader.GetInt32(0) != RoundState.Open)
        {
            return (false, false);
        }
        if (reader.IsDBNull(1) || reader.GetDateTime(1) > now)
        {
            return (true, reader.GetBoolean(2));
        }
        reader.Close();
        using var close = Command(connection, transaction,
            "UPDATE Rounds SET State = $closed, ClosedAt = ClosesAt WHERE Id = $round AND State = $open;", "$round", "$closed", "$open");
        close.Parameters["$round"].Value = roundId;
        close.Parameters["$closed"].Value = (int)RoundState.Closed;
        close.Parameters["$open"].Value = (int)RoundState.Open;
        if (close.ExecuteNonQuery() == 1)
        {
            // Closed by a late submission rather than by an admin or the round closer: the audit log says so too.
            using var audit = Command(connection, transaction,
                "INSERT INTO AuditEntries (At, Admin, Action, Detail) SELECT $at, $admin, $action, Slug || ': the close time has passed' FROM Rounds WHERE Id = $round;",
                "$at", "$admin", "$action", "$round");
            audit.Parameters["$at"].Value = now.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture);
            audit.Parameters["$admin"].Value = AuditLog.System;
            audit.Parameters["$action"].Value = AuditAction.RoundClosed;
            audit.Parameters["$round"].Value = roundId;
            audit.ExecuteNonQuery();
        }
        return (false, false);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        return command;
    }

    /// <summary>A Guid as EF Core stores it in SQLite, so both sides compare equal.</summary>
    private static string Text(Guid guid) => guid.ToString().ToUpperInvariant();

    private sealed record Pending(SubmittedResponse Response, TaskCompletionSource<SubmitOutcome> Done);
}

/// <summary>The database could not store the response right now (locked, read-only, disk full).</summary>
public sealed class ResponseNotStoredException(Exception inner) : Exception("The response could not be stored.", inner);
