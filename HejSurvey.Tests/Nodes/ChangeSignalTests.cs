using System.Collections.Concurrent;
using System.Diagnostics;
using HejSurvey.Web.Data;
using HejSurvey.Web.OpenResults;
using HejSurvey.Web.Site;
using HejSurvey.Web.Survey;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit.Abstractions;

namespace HejSurvey.Tests.Nodes;

/// <summary>
/// Two web nodes on one PostgreSQL database, each with its own results cache and its own copy of the rounds, as two
/// processes behind a load balancer have: what one node says has changed is forgotten on the other within a second,
/// also after the listening connection was cut. The rounds themselves come from a SQLite site, since the change signal
/// needs no tables of its own.
/// </summary>
[Trait("Category", "PostgreSQL")]
public sealed class ChangeSignalTests(ChangeSignalServer server, SiteFactory site, ITestOutputHelper output) : IClassFixture<ChangeSignalServer>, IClassFixture<SiteFactory>
{
    private static readonly TimeSpan Promise = TimeSpan.FromSeconds(1);

    [PostgresFact]
    public async Task A_change_signalled_on_one_node_is_forgotten_on_the_other_within_a_second()
    {
        var round = await site.CreateRoundAsync("signal-closes");
        await using var a = await Node.StartAsync(server, expectedListeners: 1);
        await using var b = await Node.StartAsync(server, expectedListeners: 2);
        await using var db = site.Db();
        Assert.Equal(RoundState.Open, (await b.Rounds.FindAsync(db, round.Slug))!.State);
        await b.CacheResultsPageAsync();
        await db.Rounds.Where(r => r.Id == round.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.State, RoundState.Closed));

        var clock = Stopwatch.StartNew();
        await a.Changes.RoundChangedAsync(round.Slug);

        // Within the promise, sooner than the round's copy expires by itself (RoundCache.Lifetime).
        await Eventually(async () => !await b.HoldsResultsPageAsync() && (await b.Rounds.FindAsync(db, round.Slug))!.State == RoundState.Closed, Promise);
        output.WriteLine($"The other node forgot the round {clock.Elapsed.TotalMilliseconds:F1} ms after the change was told.");
    }

    [PostgresFact]
    public async Task Answers_signalled_on_one_node_clear_the_results_on_the_other_within_a_second()
    {
        await using var a = await Node.StartAsync(server, expectedListeners: 1);
        await using var b = await Node.StartAsync(server, expectedListeners: 2);
        await b.CacheResultsPageAsync();

        await a.Changes.ResultsChangedAsync();

        await Eventually(async () => !await b.HoldsResultsPageAsync(), Promise);
    }

    [PostgresFact]
    public async Task After_its_connection_is_killed_the_listener_connects_again_forgets_everything_and_hears_again()
    {
        var round = await site.CreateRoundAsync("signal-reconnects");
        await using var a = await Node.StartAsync(server, expectedListeners: 1);
        var listenerOfA = (await ListenersAsync(server)).Single();
        await using var b = await Node.StartAsync(server, expectedListeners: 2);
        var listenerOfB = (await ListenersAsync(server)).Single(pid => pid != listenerOfA);
        await using var db = site.Db();
        await a.CacheResultsPageAsync();
        await b.CacheResultsPageAsync();
        var cached = Stopwatch.StartNew();
        var before = await b.Rounds.FindAsync(db, round.Slug);

        await using (var admin = new NpgsqlConnection(server.ConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend($1)", admin) { Parameters = { new() { Value = listenerOfB } } };
            Assert.Equal(true, await kill.ExecuteScalarAsync());
        }

        // Nobody signalled anything: B forgets because it cannot know what it missed while it was not listening.
        await Eventually(async () => !await b.HoldsResultsPageAsync(), TimeSpan.FromSeconds(10));
        Assert.True(cached.Elapsed < RoundCache.Lifetime, $"reconnected after {cached.Elapsed}, too late to tell forgetting from expiry");
        Assert.NotSame(before, await b.Rounds.FindAsync(db, round.Slug));
        Assert.True(await a.HoldsResultsPageAsync(), "the node whose connection stayed up forgot too");
        Assert.Contains(b.Log, line => line.StartsWith("Warning: Not hearing the other web nodes' changes", StringComparison.Ordinal));
        var listeners = await ListenersAsync(server);
        Assert.Equal(2, listeners.Count);
        Assert.DoesNotContain(listenerOfB, listeners);

        // Listening again, B hears the next change as before.
        await b.CacheResultsPageAsync();
        await a.Changes.ResultsChangedAsync();
        await Eventually(async () => !await b.HoldsResultsPageAsync(), Promise);
    }

    [PostgresFact]
    public async Task A_change_is_announced_on_one_channel_with_the_round_as_payload_after_it_is_made()
    {
        await using var node = await Node.StartAsync(server, expectedListeners: 1);
        await using var listener = new NpgsqlConnection(server.ConnectionString);
        await listener.OpenAsync();
        var heard = new List<string>();
        listener.Notification += (_, notification) => heard.Add($"{notification.Channel} {notification.Payload}");
        await using (var listen = new NpgsqlCommand($"LISTEN {ChangeSignal.Channel}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        await node.Changes.RoundChangedAsync("signal-payload");
        await node.Changes.ResultsChangedAsync();
        using var timeout = new CancellationTokenSource(Promise);
        while (heard.Count < 2)
        {
            await listener.WaitAsync(timeout.Token);
        }

        var sender = node.Signal.Node;
        Assert.Equal([$"{ChangeSignal.Channel} {sender} signal-payload", $"{ChangeSignal.Channel} {sender} "], heard);
    }

    [PostgresFact]
    public async Task A_node_does_not_forget_again_when_its_own_signal_comes_back_but_hears_a_slug_sent_by_hand()
    {
        await using var a = await Node.StartAsync(server, expectedListeners: 1);
        await using var b = await Node.StartAsync(server, expectedListeners: 2);
        await b.CacheResultsPageAsync();
        await a.Changes.ResultsChangedAsync();
        // A page cached on A right after A's change, before A's own signal has come back to it.
        await a.CacheResultsPageAsync();
        await Eventually(async () => !await b.HoldsResultsPageAsync(), Promise);
        // B has heard it, so A's listener has had it too: it passed it over.
        await Task.Delay(200);
        Assert.True(await a.HoldsResultsPageAsync(), "the node forgot a page when its own signal came back");

        // An operator's NOTIFY of a slug alone (as after a change made by hand) is heard by every node.
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var notify = new NpgsqlCommand($"NOTIFY {ChangeSignal.Channel}, 'by-hand'", connection);
        await notify.ExecuteNonQueryAsync();
        await Eventually(async () => !await a.HoldsResultsPageAsync(), Promise);
    }

    [Fact]
    public async Task A_node_that_cannot_reach_the_server_still_forgets_its_own_copies_and_says_why()
    {
        // Nothing listens on port 1: every connection is refused at once.
        await using var node = await Node.StartAsync("Host=127.0.0.1;Port=1;Username=hej;Database=nowhere;Timeout=2");
        await node.CacheResultsPageAsync();

        await node.Changes.RoundChangedAsync("signal-unreachable");

        Assert.False(await node.HoldsResultsPageAsync());
        Assert.Contains(node.Log, line => line.StartsWith("Warning: Could not tell the other web nodes that round signal-unreachable changed", StringComparison.Ordinal));
        await Eventually(() => Task.FromResult(node.Log.Count(line => line.StartsWith("Warning: Not hearing the other web nodes' changes", StringComparison.Ordinal)) >= 2), TimeSpan.FromSeconds(5));
    }

    private static async Task Eventually(Func<Task<bool>> condition, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < within, $"not so within {within}");
            await Task.Delay(10);
        }
    }

    /// <summary>The backends that LISTEN for changes in the fixture's database.</summary>
    private static async Task<List<int>> ListenersAsync(ChangeSignalServer server)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND query LIKE 'LISTEN %'", connection)
        {
            Parameters = { new() { Value = ChangeListener.ApplicationName } },
        };
        var pids = new List<int>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            pids.Add(reader.GetInt32(0));
        }
        return pids;
    }

    /// <summary>One web node's share of the site: its caches and its change signal, set up as the site sets them up.</summary>
    private sealed class Node(IHost host, ConcurrentQueue<string> log) : IAsyncDisposable
    {
        public SiteChanges Changes => host.Services.GetRequiredService<SiteChanges>();
        public ChangeSignal Signal => host.Services.GetRequiredService<ChangeSignal>();
        public RoundCache Rounds => host.Services.GetRequiredService<RoundCache>();
        public IEnumerable<string> Log => log;
        private IOutputCacheStore Results => host.Services.GetRequiredService<IOutputCacheStore>();

        public static async Task<Node> StartAsync(ChangeSignalServer server, int expectedListeners)
        {
            var node = await StartAsync(server.ConnectionString);
            await Eventually(async () => (await ListenersAsync(server)).Count == expectedListeners, TimeSpan.FromSeconds(10));
            return node;
        }

        public static async Task<Node> StartAsync(string connectionString)
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = "Postgres", // the short spelling the database setting also takes
                ["ConnectionStrings:Survey"] = connectionString,
            });
            var log = new ConcurrentQueue<string>();
            builder.Services.AddLogging(logging => logging.AddProvider(new Recorder(log)));
            builder.Services.AddOutputCache();
            builder.Services.AddMemoryCache();
            builder.Services.AddSingleton<RoundCache>();
            builder.AddSiteChanges();
            var host = builder.Build();
            await host.StartAsync();
            return new Node(host, log);
        }

        public Task CacheResultsPageAsync() =>
            Results.SetAsync("results-page", [1, 2, 3], [ResultsSetup.CacheTag], TimeSpan.FromMinutes(5), CancellationToken.None).AsTask();

        public async Task<bool> HoldsResultsPageAsync() => await Results.GetAsync("results-page", CancellationToken.None) is not null;

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    private sealed class Recorder(ConcurrentQueue<string> log) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log.Enqueue($"{logLevel}: {formatter(state, exception)}");
        public void Dispose()
        {
        }
    }
}
