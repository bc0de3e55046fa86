using System.Globalization;
using System.Net;
using HejSurvey.Tests.Faults;
using HejSurvey.Web.Data;
using HejSurvey.Web.OpenResults;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace HejSurvey.Tests.Pages;

/// <summary>
/// The response writer on a real PostgreSQL server: through the site, and as two writers on one database, as two web
/// nodes have, racing each other and a close. PostgreSQL's own writer and locks, so on PostgreSQL only.
/// </summary>
public sealed class PostgresResponseWriterTests(PostgresSiteFactory site) : IClassFixture<PostgresSiteFactory>
{
    private static readonly QuestionnaireDefinition Questionnaire = ShippedQuestionnaires.Newest;

    [PostgresFact]
    public async Task A_complete_answer_is_stored_with_its_tallies_once_however_often_it_is_sent()
    {
        var round = await site.CreateRoundAsync("pg-journey");
        var browser = site.Browser();
        var answers = SurveyJourneyTests.CompleteAnswers();
        answers[Questionnaire.FreeText.Key] = "Mer tid för prövande – och åäö!";
        var form = await browser.GetPageAsync($"/survey/{round.Slug}");
        var fields = HtmlForm.HiddenFields(form).Concat(answers).ToList();

        using var first = await browser.PostFormAsync($"/survey/{round.Slug}", fields);
        using var again = await browser.PostFormAsync($"/survey/{round.Slug}", fields);
        // Another form from the same browser: the form fetched before the first answer, with a key of its own.
        var otherForm = fields.Select(f => f.Key == SurveyForm.IdempotencyField ? new(f.Key, Guid.NewGuid().ToString()) : f);
        using var other = await browser.PostFormAsync($"/survey/{round.Slug}", otherForm);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal($"/survey/{round.Slug}/thanks", first.Headers.Location?.OriginalString);
        Assert.Equal(first.Headers.Location, again.Headers.Location); // the same form: thanked again, stored once
        Assert.NotEqual(first.Headers.Location, other.Headers.Location); // another form from the same browser is not thanked
        await using var db = site.Db();
        var stored = await db.Responses.Include(r => r.Answers).SingleAsync(r => r.RoundId == round.Id);
        Assert.Equal("Mer tid för prövande – och åäö!", stored.FreeText);
        Assert.Equal(
            answers.Where(a => a.Key != Questionnaire.FreeText.Key).OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => (a.Key, int.Parse(a.Value, CultureInfo.InvariantCulture))),
            stored.Answers.OrderBy(a => a.QuestionKey, StringComparer.Ordinal).Select(a => (a.QuestionKey, a.Value)));
        Assert.Equal(1, (await db.Rounds.SingleAsync(r => r.Id == round.Id)).ResponseCount);
        await AssertTalliesMatchAnswersAsync(db, round.Id);
    }

    [PostgresFact]
    public async Task Two_nodes_writing_the_same_round_store_each_response_once_and_never_deadlock()
    {
        var round = await site.CreateRoundAsync("pg-two-nodes");
        await using var nodeA = await StartWriterAsync();
        await using var nodeB = await StartWriterAsync();
        var random = new Random(17);
        var responses = Enumerable.Range(0, 300).Select(i => Response(round.Id, $"browser-{i}", random)).ToList();

        // Every response goes to both nodes at once (a resent POST reaching the other node), and a second form from
        // each of the first fifty browsers too.
        var sent = responses.SelectMany(r => new[] { nodeA.Writer.SubmitAsync(r, default), nodeB.Writer.SubmitAsync(r, default) })
            .Concat(responses.Take(50).Select(r => nodeB.Writer.SubmitAsync(r with { IdempotencyKey = Guid.NewGuid() }, default)))
            .ToList();
        var outcomes = await Task.WhenAll(sent);

        Assert.Equal(300, outcomes.Count(o => o == SubmitOutcome.Stored));
        Assert.Equal(300, outcomes.Count(o => o == SubmitOutcome.AlreadyStored));
        Assert.Equal(50, outcomes.Count(o => o == SubmitOutcome.AlreadyAnswered));
        await using var db = site.Db();
        Assert.Equal(300, await db.Responses.CountAsync(r => r.RoundId == round.Id));
        Assert.Equal(300, (await db.Rounds.SingleAsync(r => r.Id == round.Id)).ResponseCount);
        await AssertTalliesMatchAnswersAsync(db, round.Id);
    }

    [PostgresFact]
    public async Task Pending_tallies_are_counted_before_the_fold_and_two_folds_at_once_add_each_of_them_once()
    {
        var round = await site.CreateRoundAsync("pg-fold");
        var random = new Random(23);
        var responses = Enumerable.Range(0, 200).Select(i => Response(round.Id, $"fold-{i}", random)).ToList();
        await using var db = site.Db();
        await using var first = new NpgsqlConnection(site.ConnectionString);
        await using var second = new NpgsqlConnection(site.ConnectionString);
        await first.OpenAsync();
        await second.OpenAsync();
        // The site's own folder runs once a second; holding the fold's lock keeps it, and any fold, off meanwhile.
        await using (var holding = await first.BeginTransactionAsync())
        {
            await using (var take = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({PostgresTallies.FoldLock});", first, holding))
            {
                await take.ExecuteNonQueryAsync();
            }
            await using (var nodeA = await StartWriterAsync())
            await using (var nodeB = await StartWriterAsync())
            {
                // Two nodes, so that several batches (and several pending rows) commit at once.
                var outcomes = await Task.WhenAll(responses.Select((r, i) => (i % 2 == 0 ? nodeA : nodeB).Writer.SubmitAsync(r, default)));
                Assert.All(outcomes, o => Assert.Equal(SubmitOutcome.Stored, o));
            }
            Assert.Null(await PostgresTallies.FoldAsync(second, default));
            Assert.True(await db.Set<PendingTally>().CountAsync() > 1);
            Assert.Empty(await db.AnswerTallies.Where(t => t.RoundId == round.Id).ToListAsync());
            await AssertTalliesMatchAnswersAsync(db, round.Id);
        }
        var pending = await site.TalliesAsync(round.Id);

        // Two folds at once, as two nodes' folders may run (the site's a third): the pending rows go in once.
        await Task.WhenAll(PostgresTallies.FoldAsync(first, default), PostgresTallies.FoldAsync(second, default));
        await PostgresTallies.FoldAsync(first, default);

        Assert.Equal(0, await db.Set<PendingTally>().CountAsync());
        var tallied = await db.AnswerTallies.Where(t => t.RoundId == round.Id && t.GroupKey == "")
            .Select(t => new { t.QuestionKey, t.Value, t.Count }).ToListAsync();
        Assert.Equal(
            await CountedAsync(db, round.Id),
            tallied.Select(t => (t.QuestionKey, t.Value, t.Count)).OrderBy(c => c.QuestionKey, StringComparer.Ordinal).ThenBy(c => c.Value));
        await AssertTalliesMatchAnswersAsync(db, round.Id);
        var themes = await db.ThemeTallies.Where(t => t.RoundId == round.Id).ToListAsync();
        Assert.Equal(pending.Themes.Count, themes.Count);
        Assert.All(themes, t =>
        {
            Assert.Equal(pending.Themes[(t.GroupKey, t.ThemeKey)].N, t.N);
            Assert.Equal(pending.Themes[(t.GroupKey, t.ThemeKey)].Sum, t.Sum, 6);
        });
    }

    [PostgresFact]
    public async Task One_batch_judges_each_response_against_what_went_in_before_it_as_one_at_a_time_would()
    {
        var round = await site.CreateRoundAsync("pg-one-batch");
        var random = new Random(8);
        // A form stored before from browser "early", and a form of that key sent again from another browser.
        var early = Response(round.Id, "early", random);
        var reused = Response(round.Id, "late", random) with { IdempotencyKey = early.IdempotencyKey };
        var afterReused = Response(round.Id, "late", random);
        var first = Response(round.Id, "twice", random);
        var other = Response(round.Id, "other", random);
        await using (var connection = new NpgsqlConnection(site.ConnectionString))
        {
            await connection.OpenAsync();
            Assert.Equal([SubmitOutcome.Stored], PostgresResponses.WriteBatch(connection, [early], DateTime.UtcNow).Outcomes);

            var (outcomes, _) = PostgresResponses.WriteBatch(connection,
            [
                first,
                first, // a double click in the same batch
                reused, // the key was stored before: not stored, so browser "late" has not answered yet
                afterReused, // so this one of browser "late" is stored, as it would be one at a time
                first with { IdempotencyKey = Guid.NewGuid() }, // another form from a browser stored earlier in the batch
                other,
                early, // stored by an earlier batch
            ], DateTime.UtcNow);

            Assert.Equal(
                [SubmitOutcome.Stored, SubmitOutcome.AlreadyStored, SubmitOutcome.AlreadyStored, SubmitOutcome.Stored, SubmitOutcome.AlreadyAnswered, SubmitOutcome.Stored, SubmitOutcome.AlreadyStored],
                outcomes);
        }
        await using var db = site.Db();
        Assert.Equal(
            new[] { early.IdempotencyKey, first.IdempotencyKey, afterReused.IdempotencyKey, other.IdempotencyKey }.Order(),
            (await db.Responses.Where(r => r.RoundId == round.Id).Select(r => r.IdempotencyKey).ToListAsync()).Order());
        Assert.Equal(4, (await db.Rounds.SingleAsync(r => r.Id == round.Id)).ResponseCount);
        Assert.Equal(4 * afterReused.Answers.Count, await db.Answers.CountAsync(a => db.Responses.Any(r => r.Id == a.ResponseId && r.RoundId == round.Id)));
        await AssertTalliesMatchAnswersAsync(db, round.Id);
    }

    [PostgresFact]
    public async Task A_submission_racing_a_close_on_another_node_is_stored_before_the_close_or_refused()
    {
        var round = await site.CreateRoundAsync("pg-close-race");
        await using var nodeA = await StartWriterAsync();
        await using var nodeB = await StartWriterAsync();
        var random = new Random(4);
        var outcomes = new List<(SubmittedResponse Response, Task<SubmitOutcome> Outcome)>();
        for (var i = 0; i < 400; i++)
        {
            var response = Response(round.Id, $"racer-{i}", random);
            outcomes.Add((response, (i % 2 == 0 ? nodeA : nodeB).Writer.SubmitAsync(response, default)));
            if (i == 200)
            {
                // An admin closing the round, as the admin page does it, while both nodes are writing.
                await using var admin = site.Db();
                await admin.Rounds.Where(r => r.Id == round.Id)
                    .ExecuteUpdateAsync(r => r.SetProperty(x => x.State, RoundState.Closed).SetProperty(x => x.ClosedAt, DateTime.UtcNow));
            }
        }
        await Task.WhenAll(outcomes.Select(o => o.Outcome));

        var stored = outcomes.Where(o => o.Outcome.Result == SubmitOutcome.Stored).Select(o => o.Response.RespondentHash).ToHashSet();
        Assert.All(outcomes, o => Assert.Contains(o.Outcome.Result, new[] { SubmitOutcome.Stored, SubmitOutcome.RoundClosed }));
        Assert.Equal(SubmitOutcome.RoundClosed, outcomes[^1].Outcome.Result);
        await using var db = site.Db();
        Assert.Equal(stored, (await db.Responses.Where(r => r.RoundId == round.Id).Select(r => r.RespondentHash).ToListAsync()).ToHashSet());
        Assert.Equal(stored.Count, (await db.Rounds.SingleAsync(r => r.Id == round.Id)).ResponseCount);
        await AssertTalliesMatchAnswersAsync(db, round.Id);
    }

    [PostgresFact]
    public async Task A_close_that_commits_while_a_batch_waits_for_its_round_refuses_the_batch_and_keeps_nothing_of_it()
    {
        var round = await site.CreateRoundAsync("pg-close-midway");
        await using var writer = await StartWriterAsync();
        // An admin's close under way on another node: the round's row is locked until it commits.
        await using var admin = new NpgsqlConnection(site.ConnectionString);
        await admin.OpenAsync();
        await using var closing = await admin.BeginTransactionAsync();
        await using (var close = new NpgsqlCommand("""UPDATE "Rounds" SET "State" = @closed, "ClosedAt" = now() WHERE "Id" = @round;""", admin, closing))
        {
            close.Parameters.Add(new NpgsqlParameter<int>("closed", (int)RoundState.Closed));
            close.Parameters.Add(new NpgsqlParameter<int>("round", round.Id));
            await close.ExecuteNonQueryAsync();
        }

        // The batch reads the round as open (the close is not committed), stores its response, and waits at the count.
        var outcome = writer.Writer.SubmitAsync(Response(round.Id, "midway", new Random(5)), default);
        await using var watch = new NpgsqlConnection(site.ConnectionString);
        await watch.OpenAsync();
        await using var waiting = new NpgsqlCommand("""SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%ResponseCount%';""", watch);
        var giveUp = DateTime.UtcNow.AddSeconds(30);
        while ((long)(await waiting.ExecuteScalarAsync())! == 0)
        {
            Assert.False(outcome.IsCompleted || DateTime.UtcNow > giveUp, "The batch did not wait for the round's row at its count.");
            await Task.Delay(20);
        }
        await closing.CommitAsync();

        Assert.Equal(SubmitOutcome.RoundClosed, await outcome);
        await using var db = site.Db();
        Assert.Equal(0, await db.Responses.CountAsync(r => r.RoundId == round.Id));
        Assert.Equal(0, (await db.Rounds.SingleAsync(r => r.Id == round.Id)).ResponseCount);
        Assert.Empty((await site.TalliesAsync(round.Id)).Counts);
    }

    [PostgresFact]
    public async Task A_round_whose_close_time_passed_is_closed_once_by_the_first_node_to_see_it()
    {
        var round = await site.CreateRoundAsync("pg-close-time", closesAt: DateTime.UtcNow.AddMinutes(-1));
        await using var nodeA = await StartWriterAsync();
        await using var nodeB = await StartWriterAsync();
        var random = new Random(5);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            (i % 2 == 0 ? nodeA : nodeB).Writer.SubmitAsync(Response(round.Id, $"late-{i}", random), default)));

        Assert.All(outcomes, o => Assert.Equal(SubmitOutcome.RoundClosed, o));
        await using var db = site.Db();
        Assert.Equal(RoundState.Closed, (await db.Rounds.SingleAsync(r => r.Id == round.Id)).State);
        Assert.Single(await db.AuditEntries.Where(a => a.Detail == $"{round.Slug}: the close time has passed").ToListAsync());
        Assert.Equal(0, await db.Responses.CountAsync(r => r.RoundId == round.Id));
    }

    [PostgresFact]
    public async Task A_batch_for_two_rounds_stores_the_open_one_and_closes_the_one_past_its_close_time()
    {
        var open = await site.CreateRoundAsync("pg-two-rounds-open");
        var late = await site.CreateRoundAsync("pg-two-rounds-late", closesAt: DateTime.UtcNow.AddMinutes(-1));
        var random = new Random(9);
        await using var connection = new NpgsqlConnection(site.ConnectionString);
        await connection.OpenAsync();

        var (outcomes, _) = PostgresResponses.WriteBatch(connection,
            [Response(late.Id, "two-rounds-1", random), Response(open.Id, "two-rounds-2", random), Response(late.Id, "two-rounds-3", random)],
            DateTime.UtcNow);

        Assert.Equal([SubmitOutcome.RoundClosed, SubmitOutcome.Stored, SubmitOutcome.RoundClosed], outcomes);
        await using var db = site.Db();
        Assert.Equal(RoundState.Closed, (await db.Rounds.SingleAsync(r => r.Id == late.Id)).State);
        Assert.Single(await db.AuditEntries.Where(a => a.Detail == $"{late.Slug}: the close time has passed").ToListAsync());
        Assert.Equal(0, await db.Responses.CountAsync(r => r.RoundId == late.Id));
        Assert.Equal(1, (await db.Rounds.SingleAsync(r => r.Id == open.Id)).ResponseCount);
        await AssertTalliesMatchAnswersAsync(db, open.Id);
    }

    [PostgresFact]
    public async Task A_database_that_cannot_be_reached_answers_503_keeps_the_answers_and_the_site_recovers_by_itself()
    {
        var round = await site.CreateRoundAsync("pg-outage");
        var browser = site.Browser();
        var answers = SurveyJourneyTests.CompleteAnswers();
        var form = await browser.GetPageAsync($"/survey/{round.Slug}");
        var database = new NpgsqlConnectionStringBuilder(site.ConnectionString).Database!;

        await SetConnectionsAsync(database, allowed: false);
        try
        {
            using var refused = await browser.PostFormAsync($"/survey/{round.Slug}", HtmlForm.HiddenFields(form).Concat(answers));
            await StorageFaultTests.AssertRefusedKeepingAnswersAsync(refused, answers);
        }
        finally
        {
            await SetConnectionsAsync(database, allowed: true);
        }
        await StorageFaultTests.AssertStoredAsync(site, round.Id, 0);

        using var resent = await browser.PostFormAsync($"/survey/{round.Slug}", HtmlForm.HiddenFields(form).Concat(answers));
        Assert.Equal(HttpStatusCode.Redirect, resent.StatusCode);
        await StorageFaultTests.AssertStoredAsync(site, round.Id, 1);
    }

    /// <summary>An outage of this one database: no new connections, and the open ones (the writer's too) ended.</summary>
    private static async Task SetConnectionsAsync(string database, bool allowed)
    {
        var server = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(PostgresServer.Variable)) { Pooling = false };
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = allowed
            ? $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS true"
            : $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid();";
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The tallies as the results read them (pending rows included) hold exactly what the stored answers add up to.</summary>
    private static async Task AssertTalliesMatchAnswersAsync(SurveyDb db, int roundId)
    {
        RoundTallies tallies;
        await using (var read = await db.BeginSnapshotAsync(default))
        {
            tallies = await RoundResults.TalliesAsync(db, roundId, default);
        }
        Assert.Equal(
            await CountedAsync(db, roundId),
            tallies.Counts.Where(c => c.Key.Group == "").Select(c => (c.Key.Question, Value: c.Key.Value, Count: c.Value)).OrderBy(c => c.Question, StringComparer.Ordinal).ThenBy(c => c.Value));
    }

    /// <summary>Everyone's count of each answer, counted from the stored answers.</summary>
    private static async Task<List<(string Question, int Value, long Count)>> CountedAsync(SurveyDb db, int roundId)
    {
        var counted = await db.Answers.Where(a => db.Responses.Any(r => r.Id == a.ResponseId && r.RoundId == roundId))
            .GroupBy(a => new { a.QuestionKey, a.Value }).Select(g => new { g.Key.QuestionKey, g.Key.Value, Count = (long)g.Count() }).ToListAsync();
        return [.. counted.Select(c => (c.QuestionKey, c.Value, c.Count)).OrderBy(c => c.QuestionKey, StringComparer.Ordinal).ThenBy(c => c.Value)];
    }

    private static SubmittedResponse Response(int roundId, string browser, Random random)
    {
        var answers = Questionnaire.Statements.ToDictionary(s => s.Key, _ => random.Next(0, 6));
        foreach (var question in Questionnaire.Background)
        {
            answers[question.Key] = question.Options[random.Next(question.Options.Count)].Value;
        }
        return new SubmittedResponse(roundId, Questionnaire, browser, Guid.NewGuid(), answers, null);
    }

    private async Task<Node> StartWriterAsync()
    {
        var writer = new ResponseWriter(
            new SurveyConnection(site.ConnectionString, Provider: DatabaseProvider.PostgreSQL), TimeProvider.System, NullLogger<ResponseWriter>.Instance);
        await writer.StartAsync(default);
        return new Node(writer);
    }

    /// <summary>A second response writer on the same database, as another web node has.</summary>
    private sealed record Node(ResponseWriter Writer) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Writer.StopAsync(default);
            Writer.Dispose();
        }
    }
}
