using Npgsql;

namespace HejSurvey.Web.Site;

/// <summary>
/// Tells every web node on the same PostgreSQL database that something changed: a NOTIFY on <see cref="Channel"/> with
/// the sending node's <see cref="Node"/>, a space and the round's slug as payload (nothing after the space when only
/// results changed), sent after the change has committed. Every other node's <see cref="ChangeListener"/> hears it and
/// forgets, so it serves the new state within a second; the sender has forgotten already. A payload of a slug alone
/// (an operator's own NOTIFY) is heard by every node.
/// LISTEN/NOTIFY rather than a Redis output-cache store: the database the nodes already share carries the signal, so
/// there is no second component to run, secure, monitor and back up, and no way for the cache to outlive a change it
/// missed (a listener that lost its connection forgets everything when it is back).
/// </summary>
public sealed class ChangeSignal(NpgsqlDataSource database, ILogger<ChangeSignal> logger) : IAsyncDisposable
{
    public const string Channel = "hejsurvey_changes";

    /// <summary>How the signal's connections are named in pg_stat_activity.</summary>
    public const string ApplicationName = "HejSurvey change signal";

    /// <summary>This process's name in its payloads, so that its own listener can pass over what it sent itself.</summary>
    public string Node { get; } = Guid.NewGuid().ToString("N");

    public async Task SendAsync(string? slug)
    {
        try
        {
            await using var notify = database.CreateCommand("SELECT pg_notify($1, $2)");
            notify.Parameters.Add(new NpgsqlParameter { Value = Channel });
            notify.Parameters.Add(new NpgsqlParameter { Value = $"{Node} {slug}" });
            await notify.ExecuteNonQueryAsync();
        }
        // The change itself is committed, so whoever made it is not told it failed. The other nodes catch up when their
        // copies expire: the form's round within seconds, a results page within a minute.
        catch (NpgsqlException ex)
        {
            logger.LogWarning(ex, "Could not tell the other web nodes that {What} changed; they show it when their cached copies expire.", slug is null ? "the results" : $"round {slug}");
        }
    }

    public ValueTask DisposeAsync() => database.DisposeAsync();
}

/// <summary>
/// Holds one connection of its own that LISTENs on <see cref="ChangeSignal.Channel"/> and forgets on this node whatever
/// another node says has changed. What this node sent itself it passes over: it forgot when it made the change, and
/// forgetting again when the echo comes back would throw away a page cached in between for nothing. A
/// lost connection (a restarted or failed-over server, a killed backend, a network cut that keepalives detect) is opened
/// again with growing pauses; what was said meanwhile went unheard, so once listening again it forgets everything.
/// </summary>
public sealed class ChangeListener(string connectionString, ChangeSignal signal, SiteChanges changes, ILogger<ChangeListener> logger) : BackgroundService
{
    /// <summary>How the listening connection is named in pg_stat_activity.</summary>
    public const string ApplicationName = "HejSurvey change listener";

    private readonly TaskCompletionSource firstListen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Done once the first LISTEN is in place and what was cached before it is forgotten: from then on this node hears
    /// every change. Until then a page cached at start may be forgotten at any moment, which a test must wait out.
    /// </summary>
    public Task FirstListen => firstListen.Task;

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(30);

    private readonly string listenerConnection = new NpgsqlConnectionStringBuilder(connectionString)
    {
        ApplicationName = ApplicationName,
        // Its own connection, never a pooled one: it holds the LISTEN, and a broken one must not be handed out again.
        Pooling = false,
        // A server that vanishes without closing the connection sends no error; a keepalive query finds out.
        KeepAlive = 10,
    }.ConnectionString;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pause = FirstPause;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(() => pause = FirstPause, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Not hearing the other web nodes' changes; connecting again in {Pause}.", pause);
                try
                {
                    await Task.Delay(pause, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
            }
        }
    }

    private async Task ListenAsync(Action listening, CancellationToken stoppingToken)
    {
        await using var connection = new NpgsqlConnection(listenerConnection);
        var heard = new List<string>();
        connection.Notification += (_, notification) => heard.Add(notification.Payload);
        await connection.OpenAsync(stoppingToken);
        await using (var listen = new NpgsqlCommand($"LISTEN {ChangeSignal.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }
        // Before this LISTEN (at start, or while the connection was down) nothing was heard: forget all of it once.
        await changes.ForgetEverythingAsync();
        firstListen.TrySetResult();
        listening();
        logger.LogInformation("Listening for the other web nodes' changes on PostgreSQL backend {ProcessId}.", connection.ProcessID);
        while (true)
        {
            // The notifications are raised inside the wait, on this flow; they are acted on here, where eviction can be awaited.
            await connection.WaitAsync(stoppingToken);
            foreach (var payload in heard.Distinct(StringComparer.Ordinal))
            {
                // "<node> <slug>" from a node, "<slug>" from anyone else; a slug has no space (Admin/Rounds/New).
                var (sender, slug) = payload.IndexOf(' ') is var space and >= 0 ? (payload[..space], payload[(space + 1)..]) : ("", payload);
                if (sender != signal.Node)
                {
                    await changes.ForgetAsync(slug.Length == 0 ? null : slug);
                }
            }
            heard.Clear();
        }
    }
}
