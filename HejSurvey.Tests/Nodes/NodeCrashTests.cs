using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using HejSurvey.Tests.Faults;
using HejSurvey.Tests.Pages;
using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace HejSurvey.Tests.Nodes;

/// <summary>
/// Node A is killed (SIGKILL) while 16 respondents answer through both nodes: whatever A had in its queue or in an
/// uncommitted batch is gone with it, and the load balancer sends the rest to B. Every response a respondent was thanked
/// for is stored exactly once, and nothing else; B answers throughout.
/// </summary>
[Trait("Category", "PostgreSQL")]
public sealed class NodeCrashTests(WebNodes nodes, ITestOutputHelper output) : IClassFixture<WebNodes>
{
    private const int Clients = 16;
    private static readonly QuestionnaireDefinition Questionnaire = ShippedQuestionnaires.Newest;

    [PostgresFact]
    public async Task Killing_a_node_under_load_loses_no_thanked_response_stores_none_twice_and_the_other_keeps_answering()
    {
        var round = await nodes.CreateRoundAsync("nodes-crash");
        var load = new Load(nodes.A, nodes.B, round.Slug);
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, Clients).Select(i => Task.Run(() => load.RespondUntilStoppedAsync(i, stop.Token))).ToArray();

        // Kill once both nodes have thanked a good number, so that A has batches in flight at that moment.
        await UntilAsync(() => load.ThankedBy(nodes.A) >= 60 && load.ThankedBy(nodes.B) >= 60, TimeSpan.FromSeconds(60), load);
        load.TakeAOutOfRotation();
        var killedAt = Stopwatch.StartNew();
        nodes.A.Kill();
        var thankedAtKill = load.Thanked.Count;
        // B carries the whole load for a while: at least two seconds and a good number of answers.
        await UntilAsync(() => killedAt.Elapsed > TimeSpan.FromSeconds(2) && load.Thanked.Count >= thankedAtKill + 100, TimeSpan.FromSeconds(60), load);
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        output.WriteLine($"thanked: {load.Thanked.Count} ({load.ThankedBy(nodes.A)} by A, {load.ThankedBy(nodes.B)} by B), {thankedAtKill} before the kill; " +
            $"requests to A cut off by the kill and sent again to B: {load.RetriedOnB}");
        Assert.True(load.Errors.IsEmpty, $"respondents saw errors: {string.Join(" | ", load.Errors.Take(10))}");

        await using var db = nodes.Db();
        var stored = await db.Responses.AsNoTracking().Where(r => r.RoundId == round.Id).Include(r => r.Answers).ToListAsync();
        var storedKeys = stored.Select(r => r.IdempotencyKey).ToList();
        var thanked = load.Thanked.Keys.ToHashSet();
        var lost = thanked.Where(key => !storedKeys.Contains(key)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {thanked.Count} thanked responses are not stored");
        var unthanked = storedKeys.Where(key => !thanked.Contains(key)).ToList();
        Assert.True(unthanked.Count == 0, $"{unthanked.Count} stored responses were never thanked");
        Assert.Equal(stored.Count, storedKeys.Distinct().Count());
        Assert.Equal(thanked.Count, stored.Count);
        var halfStored = stored.Where(r => r.Answers.Count != Questionnaire.ChoiceKeys.Count()).Select(r => r.Id).ToList();
        Assert.True(halfStored.Count == 0, $"responses without all their answers: {string.Join(", ", halfStored)}");
        Assert.Equal(stored.Count, (await db.Rounds.SingleAsync(r => r.Id == round.Id)).ResponseCount);
        await CrashTests.AssertTalliesEqualRecountAsync(db, round.Id, stored);
    }

    private static async Task UntilAsync(Func<bool> condition, TimeSpan within, Load load)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(load.Errors.IsEmpty, $"respondents saw errors: {string.Join(" | ", load.Errors.Take(10))}");
            Assert.True(clock.Elapsed < within, $"only {load.Thanked.Count} thanked within {within}");
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Respondents, each a new browser per answer, who get the form from one node and post it to either, as a load
    /// balancer without affinity sends them. A request to a node that dies under it (the connection reset or refused) is
    /// sent again to the other node, the post with the very same form: its idempotency key makes that safe whether or
    /// not the dead node had stored it. Anything else than the form, or than a redirect to the thanks after the post,
    /// is an error.
    /// </summary>
    private sealed class Load(ServerProcess a, ServerProcess b, string slug)
    {
        private volatile bool aInRotation = true;
        private int retriedOnB;

        /// <summary>Every thanked form's idempotency key, and the node that thanked it.</summary>
        public ConcurrentDictionary<Guid, ServerProcess> Thanked { get; } = new();
        public ConcurrentQueue<string> Errors { get; } = new();
        public int RetriedOnB => retriedOnB;

        public int ThankedBy(ServerProcess node) => Thanked.Values.Count(n => n == node);

        /// <summary>What the balancer does once A fails its health check: no new request goes there.</summary>
        public void TakeAOutOfRotation() => aInRotation = false;

        public async Task RespondUntilStoppedAsync(int client, CancellationToken stop)
        {
            var random = new Random(client);
            while (!stop.IsCancellationRequested)
            {
                using var browser = new NodeBrowser($"198.51.100.{client + 1}");
                try
                {
                    await RespondOnceAsync(browser, random);
                }
                catch (Exception ex)
                {
                    Errors.Enqueue($"client {client}: {ex.GetType().Name}: {ex.Message}");
                    return;
                }
            }
        }

        private async Task RespondOnceAsync(NodeBrowser browser, Random random)
        {
            var form = await SendAsync(random, async node =>
            {
                using var page = await browser.To(node).GetAsync($"/survey/{slug}");
                if (page.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"GET of the form from {Name(node)} answered {(int)page.StatusCode}");
                }
                return HtmlForm.HiddenFields(await HtmlForm.ParseAsync(page));
            });
            var answers = SurveyJourneyTests.CompleteAnswers();
            foreach (var statement in Questionnaire.Statements)
            {
                answers[statement.Key] = random.Next(0, 6).ToString(CultureInfo.InvariantCulture);
            }
            var thankedBy = await SendAsync(random, async node =>
            {
                using var sent = await browser.To(node).PostFormAsync($"/survey/{slug}", form.Concat(answers));
                if (sent.StatusCode != HttpStatusCode.Redirect || sent.Headers.Location?.OriginalString != $"/survey/{slug}/thanks")
                {
                    throw new InvalidOperationException($"POST to {Name(node)} answered {(int)sent.StatusCode} {sent.Headers.Location}");
                }
                return node;
            });
            Thanked[Guid.Parse(form[SurveyForm.IdempotencyField])] = thankedBy;
        }

        /// <summary>Sends to either node while A is in rotation, else to B; a request that A's death cuts off goes again to B.</summary>
        private async Task<T> SendAsync<T>(Random random, Func<ServerProcess, Task<T>> request)
        {
            var node = aInRotation && random.Next(2) == 0 ? a : b;
            try
            {
                try
                {
                    return await request(node);
                }
                catch (Exception ex) when (node == a && !aInRotation && IsCutOff(ex))
                {
                    Interlocked.Increment(ref retriedOnB);
                    node = b;
                    return await request(b);
                }
            }
            catch (Exception ex) when (IsCutOff(ex))
            {
                throw new InvalidOperationException($"a request to {Name(node)} failed: {ex.Message} {ex.InnerException?.Message}", ex);
            }
        }

        private static bool IsCutOff(Exception ex) => ex is HttpRequestException or TaskCanceledException or IOException;

        private string Name(ServerProcess node) => node == a ? "A" : "B";
    }
}
