using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using HejSurvey.Bench;
using Microsoft.Data.Sqlite;
using Npgsql;

// The benchmark's own client. Every mode prints "name=value" lines that bench/run reads. Where a mode takes
// --db FILE (SQLite), it takes --postgres "CONNECTION STRING" instead for a site on PostgreSQL.
//   setup  --db FILE --slug S [--state open|closed] [--published]   a round in a database the site has migrated
//   submit --url URL [--post-url URL2] --slug S --db FILE [--clients 64] [--seconds 20] [--max N]
//                                                                   with --post-url, half the browsers GET the form
//                                                                   from URL and POST it to URL2, the other half the
//                                                                   other way round (two web nodes)
//   close  --postgres CS --slug S                                   closes and publishes the round, as an admin would,
//                                                                   and tells every node through the change signal
//   raw    --db FILE [--count N]                                   the same rows by a tight loop straight into SQLite
//   export --url URL --slug S --user NAME --password P [--file responses.csv|responses.xlsx]
//                                                                   logs in and streams the raw responses
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: LoadGenerator setup|submit|raw|export [options]");
    return 2;
}
var options = Options.Parse(args.Skip(1));
return args[0] switch
{
    "setup" => options.Has("postgres") ? SetupPostgres(options) : Setup(options),
    "close" => ClosePostgres(options),
    "submit" => await SubmitAsync(options),
    "raw" => Raw(options),
    "export" => await ExportAsync(options),
    _ => 2,
};

static int Setup(Options options)
{
    using var connection = Open(options.Get("db"));
    using var command = connection.CreateCommand();
    command.CommandText =
        """
        INSERT INTO Rounds (Slug, TitleSv, TitleEn, QuestionnaireId, State, CreatedAt, OpenedAt, ClosedAt, IsPublished, PublishedAt, LiveResults, ResponseCount)
        SELECT $slug, $slug, $slug, MAX(Id), $state, $now, $now, CASE WHEN $state = 2 THEN $now END, $published, CASE WHEN $published = 1 THEN $now END, 1, 0 FROM Questionnaires;
        """;
    command.Parameters.AddWithValue("$slug", options.Get("slug"));
    command.Parameters.AddWithValue("$state", options.Get("state", "open") == "closed" ? 2 : 1);
    command.Parameters.AddWithValue("$now", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
    command.Parameters.AddWithValue("$published", options.Has("published") ? 1 : 0);
    command.ExecuteNonQuery();
    Console.WriteLine($"round={options.Get("slug")}");
    return 0;
}

static int SetupPostgres(Options options)
{
    using var connection = OpenPostgres(options.Get("postgres"));
    using var command = new NpgsqlCommand(
        """
        INSERT INTO "Rounds" ("Slug", "TitleSv", "TitleEn", "QuestionnaireId", "State", "CreatedAt", "OpenedAt", "ClosedAt", "IsPublished", "PublishedAt", "LiveResults", "ResponseCount")
        SELECT @slug, @slug, @slug, MAX("Id"), @state, now(), now(), CASE WHEN @state = 2 THEN now() END, @published, CASE WHEN @published THEN now() END, true, 0 FROM "Questionnaires";
        """,
        connection);
    command.Parameters.AddWithValue("slug", options.Get("slug"));
    command.Parameters.AddWithValue("state", options.Get("state", "open") == "closed" ? 2 : 1);
    command.Parameters.AddWithValue("published", options.Has("published"));
    command.ExecuteNonQuery();
    Console.WriteLine($"round={options.Get("slug")}");
    return 0;
}

// What an admin's close and publication commit, followed by a change signal on the site's channel (Site/ChangeSignal.cs)
// with the round's slug alone, as an operator sends it by hand, which every node hears: both forget their copies of the
// round and its results.
static int ClosePostgres(Options options)
{
    using var connection = OpenPostgres(options.Get("postgres"));
    using var command = new NpgsqlCommand(
        """UPDATE "Rounds" SET "State" = 2, "ClosedAt" = now(), "IsPublished" = true, "PublishedAt" = now() WHERE "Slug" = @slug RETURNING "ResponseCount";""",
        connection);
    command.Parameters.AddWithValue("slug", options.Get("slug"));
    var responses = command.ExecuteScalar();
    using var notify = new NpgsqlCommand("SELECT pg_notify('hejsurvey_changes', @slug);", connection);
    notify.Parameters.AddWithValue("slug", options.Get("slug"));
    notify.ExecuteNonQuery();
    Console.WriteLine($"responses={responses}");
    return 0;
}

// Each client is a new browser for every respondent: GET the form, answer every question, POST it with the
// antiforgery token, idempotency key and cookies, count it only when the answer is the redirect to /thanks, and
// follow that redirect.
static async Task<int> SubmitAsync(Options options)
{
    var url = options.Get("url").TrimEnd('/');
    var postUrl = options.Get("post-url", url).TrimEnd('/');
    var slug = options.Get("slug");
    var clients = options.Int("clients", 64);
    var seconds = options.Int("seconds", 20);
    var max = options.Int("max", 1_000_000);
    using var handler = new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
    using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };

    var acknowledged = new ConcurrentBag<string>();
    var errors = new ConcurrentDictionary<string, int>();
    var started = 0;
    var latencies = new ConcurrentBag<double>();
    var getLatencies = new ConcurrentBag<double>();
    var postLatencies = new ConcurrentBag<double>();
    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
    var clock = Stopwatch.StartNew();
    // The browsers' own CPU time: on this machine they share the cores with the site, in real use they are elsewhere.
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var workers = Enumerable.Range(0, clients).Select(async client =>
    {
        var random = new Random(client);
        // With two nodes, every other browser reads the form from the second and posts it to the first.
        var (formNode, postNode) = client % 2 == 0 ? (url, postUrl) : (postUrl, url);
        while (!stop.IsCancellationRequested && Interlocked.Increment(ref started) <= max)
        {
            var browser = new Browser(http);
            var began = Stopwatch.GetTimestamp();
            try
            {
                var (status, body, _) = await browser.SendAsync(HttpMethod.Get, $"{formNode}/survey/{slug}");
                getLatencies.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
                if (status != HttpStatusCode.OK)
                {
                    errors.AddOrUpdate($"GET {(int)status}", 1, (_, n) => n + 1);
                    continue;
                }
                var form = Browser.ReadForm(body);
                var fields = new List<KeyValuePair<string, string>>(form.Hidden);
                foreach (var (name, values) in form.Radios)
                {
                    fields.Add(new(name, values[random.Next(values.Count)]));
                }
                foreach (var name in form.Textareas)
                {
                    fields.Add(new(name, random.Next(4) == 0 ? "Mer samarbete mellan förvaltningarna." : ""));
                }
                var key = form.Hidden.GetValueOrDefault("IdempotencyKey") ?? "";
                var posting = Stopwatch.GetTimestamp();
                var (posted, _, location) = await browser.SendAsync(HttpMethod.Post, $"{postNode}/survey/{slug}", new FormUrlEncodedContent(fields));
                postLatencies.Add(Stopwatch.GetElapsedTime(posting).TotalMilliseconds);
                if (posted == HttpStatusCode.Redirect && location is not null && location.EndsWith($"/survey/{slug}/thanks", StringComparison.Ordinal))
                {
                    // The answer is stored once the redirect comes; the browser then reads the thank-you page.
                    acknowledged.Add(Key(key));
                    var (thanked, _, _) = await browser.SendAsync(HttpMethod.Get, new Uri(new Uri(postNode), location).AbsoluteUri);
                    if (thanked != HttpStatusCode.OK)
                    {
                        errors.AddOrUpdate($"GET thanks {(int)thanked}", 1, (_, n) => n + 1);
                        continue;
                    }
                    latencies.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
                }
                else
                {
                    errors.AddOrUpdate($"POST {(int)posted}", 1, (_, n) => n + 1);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                errors.AddOrUpdate(ex.GetType().Name, 1, (_, n) => n + 1);
            }
        }
    }).ToArray();
    await Task.WhenAll(workers);
    var elapsed = clock.Elapsed.TotalSeconds;
    var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;

    var stored = StoredKeys(options, slug);
    var acked = acknowledged.ToHashSet();
    var missing = acked.Count(k => !stored.Contains(k));
    var unacknowledged = stored.Count(k => !acked.Contains(k));
    var sorted = latencies.Order().ToArray();
    Console.WriteLine($"clients={clients}");
    Console.WriteLine($"seconds={elapsed.ToString("F1", CultureInfo.InvariantCulture)}");
    Console.WriteLine($"acknowledged={acked.Count}");
    Console.WriteLine($"per_second={(acked.Count / elapsed).ToString("F0", CultureInfo.InvariantCulture)}");
    Console.WriteLine($"errors={errors.Values.Sum()}");
    Console.WriteLine($"cpu_ms={cpu.ToString("F0", CultureInfo.InvariantCulture)}");
    Console.WriteLine($"error_kinds={string.Join(",", errors.Select(e => $"{e.Key}:{e.Value}"))}");
    Console.WriteLine($"p50_ms={Percentile(sorted, 0.50)}");
    Console.WriteLine($"p99_ms={Percentile(sorted, 0.99)}");
    Console.WriteLine($"get_p50_ms={Percentile([.. getLatencies.Order()], 0.50)}");
    Console.WriteLine($"post_p50_ms={Percentile([.. postLatencies.Order()], 0.50)}");
    Console.WriteLine($"stored={stored.Count}");
    Console.WriteLine($"missing={missing}");
    Console.WriteLine($"stored_unacknowledged={unacknowledged}");
    Console.WriteLine($"database_matches={(missing == 0 && unacknowledged == 0 ? "yes" : "no")}");
    return missing == 0 ? 0 : 1;
}

// The idempotency keys of the round's stored responses, read from whichever database the site runs on.
static HashSet<string> StoredKeys(Options options, string slug)
{
    var stored = new HashSet<string>();
    if (options.Has("postgres"))
    {
        using var connection = OpenPostgres(options.Get("postgres"));
        using var command = new NpgsqlCommand("""SELECT r."IdempotencyKey" FROM "Responses" r JOIN "Rounds" o ON o."Id" = r."RoundId" WHERE o."Slug" = @slug;""", connection);
        command.Parameters.AddWithValue("slug", slug);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            stored.Add(Key(reader.GetGuid(0).ToString()));
        }
        return stored;
    }
    using (var connection = Open(options.Get("db")))
    using (var command = connection.CreateCommand())
    {
        command.CommandText = "SELECT r.IdempotencyKey FROM Responses r JOIN Rounds o ON o.Id = r.RoundId WHERE o.Slug = $slug;";
        command.Parameters.AddWithValue("$slug", slug);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            stored.Add(Key(reader.GetString(0)));
        }
    }
    return stored;
}

// One spelling of an idempotency key, whether it came from the form, SQLite's text or PostgreSQL's uuid.
static string Key(string key) => Guid.TryParse(key, out var guid) ? guid.ToString("D").ToUpperInvariant() : key.ToUpperInvariant();

// The ceiling: the rows one complete response stores (a response, its 19 answers) and the tally upserts of the
// writer, in transactions of 256 like the writer's batches, with the site's pragmas, and no HTTP at all.
static int Raw(Options options)
{
    var count = options.Int("count", 100_000);
    using var connection = Open(options.Get("db"));
    using (var setup = connection.CreateCommand())
    {
        setup.CommandText =
            """
            INSERT INTO Rounds (Slug, TitleSv, TitleEn, QuestionnaireId, State, CreatedAt, IsPublished, LiveResults, ResponseCount)
            SELECT 'raw-limit', 'raw', 'raw', MAX(Id), 1, '2026-01-01 00:00:00', 0, 0, 0 FROM Questionnaires;
            SELECT last_insert_rowid();
            """;
        options.Values["round"] = Convert.ToString(setup.ExecuteScalar(), CultureInfo.InvariantCulture)!;
    }
    var round = long.Parse(options.Values["round"], CultureInfo.InvariantCulture);
    string[] questions = [.. Enumerable.Range(1, 16).Select(i => $"q{i}"), "orgtype", "role", "size"];
    var random = new Random(1);
    var clock = Stopwatch.StartNew();
    for (var done = 0; done < count;)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        using var response = connection.CreateCommand();
        response.CommandText = "INSERT INTO Responses (RoundId, SubmittedOn, RespondentHash, IdempotencyKey, FreeText) VALUES ($round, '2026-11-27', $hash, $key, NULL); SELECT last_insert_rowid();";
        var pRound = response.Parameters.Add("$round", SqliteType.Integer);
        var pHash = response.Parameters.Add("$hash", SqliteType.Text);
        var pKey = response.Parameters.Add("$key", SqliteType.Text);
        using var answer = connection.CreateCommand();
        answer.CommandText = "INSERT INTO Answers (ResponseId, QuestionKey, Value) VALUES ($response, $question, $value);";
        var aResponse = answer.Parameters.Add("$response", SqliteType.Integer);
        var aQuestion = answer.Parameters.Add("$question", SqliteType.Text);
        var aValue = answer.Parameters.Add("$value", SqliteType.Integer);
        using var tally = connection.CreateCommand();
        tally.CommandText =
            """
            INSERT INTO AnswerTallies (RoundId, GroupKey, QuestionKey, Value, Count) VALUES ($round, '', $question, $value, 1)
            ON CONFLICT (RoundId, GroupKey, QuestionKey, Value) DO UPDATE SET Count = Count + 1;
            """;
        var tRound = tally.Parameters.Add("$round", SqliteType.Integer);
        var tQuestion = tally.Parameters.Add("$question", SqliteType.Text);
        var tValue = tally.Parameters.Add("$value", SqliteType.Integer);
        var cells = new HashSet<(string, int)>();
        for (var i = 0; i < 256 && done < count; i++, done++)
        {
            pRound.Value = round;
            pHash.Value = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
            pKey.Value = Guid.NewGuid().ToString().ToUpperInvariant();
            var id = (long)response.ExecuteScalar()!;
            foreach (var question in questions)
            {
                var value = random.Next(1, 5);
                aResponse.Value = id;
                aQuestion.Value = question;
                aValue.Value = value;
                answer.ExecuteNonQuery();
                cells.Add((question, value));
            }
        }
        // The writer sums a batch in memory and upserts each cell once; so does this loop.
        foreach (var (question, value) in cells)
        {
            tRound.Value = round;
            tQuestion.Value = question;
            tValue.Value = value;
            tally.ExecuteNonQuery();
        }
        transaction.Commit();
    }
    var elapsed = clock.Elapsed.TotalSeconds;
    Console.WriteLine($"raw_rows={count}");
    Console.WriteLine($"raw_seconds={elapsed.ToString("F1", CultureInfo.InvariantCulture)}");
    Console.WriteLine($"raw_per_second={(count / elapsed).ToString("F0", CultureInfo.InvariantCulture)}");
    return 0;
}

// Logs in through the admin login form like a browser, then reads the raw export to the end.
static async Task<int> ExportAsync(Options options)
{
    var url = options.Get("url").TrimEnd('/');
    using var handler = new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false };
    using var http = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(10) };
    var browser = new Browser(http);
    var (status, body, _) = await browser.SendAsync(HttpMethod.Get, $"{url}/admin/login");
    if (status == HttpStatusCode.NotFound)
    {
        Console.WriteLine("export_status=route-not-present");
        return 0;
    }
    var form = Browser.ReadForm(body);
    var fields = new List<KeyValuePair<string, string>>(form.Hidden);
    if (form.TextInputs.Count == 0 || form.PasswordInputs.Count == 0)
    {
        Console.WriteLine("export_status=login-form-not-understood");
        return 1;
    }
    fields.Add(new(form.TextInputs[0], options.Get("user")));
    fields.Add(new(form.PasswordInputs[0], options.Get("password")));
    var (loggedIn, _, _) = await browser.SendAsync(HttpMethod.Post, $"{url}/admin/login", new FormUrlEncodedContent(fields));
    if (loggedIn != HttpStatusCode.Redirect)
    {
        Console.WriteLine($"export_status=login-answered-{(int)loggedIn}");
        return 1;
    }
    var clock = Stopwatch.StartNew();
    using var request = new HttpRequestMessage(HttpMethod.Get, $"{url}/admin/rounds/{options.Get("slug")}/{options.Get("file", "responses.csv")}");
    if (browser.CookieHeader is { } cookieHeader)
    {
        request.Headers.Add("Cookie", cookieHeader);
    }
    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    if (response.StatusCode == HttpStatusCode.NotFound)
    {
        Console.WriteLine("export_status=route-not-present");
        return 0;
    }
    await using var stream = await response.Content.ReadAsStreamAsync();
    var buffer = new byte[81920];
    long bytes = 0, lines = 0;
    int read;
    while ((read = await stream.ReadAsync(buffer)) > 0)
    {
        bytes += read;
        lines += buffer.AsSpan(0, read).Count((byte)'\n');
    }
    Console.WriteLine($"export_status={(int)response.StatusCode}");
    Console.WriteLine($"export_seconds={clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)}");
    Console.WriteLine($"export_bytes={bytes}");
    Console.WriteLine($"export_lines={lines}");
    return response.IsSuccessStatusCode ? 0 : 1;
}

static SqliteConnection Open(string path)
{
    var connection = new SqliteConnection($"Data Source={path}");
    connection.Open();
    using var pragmas = connection.CreateCommand();
    pragmas.CommandText = "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000; PRAGMA synchronous=FULL; PRAGMA journal_mode=WAL;";
    pragmas.ExecuteNonQuery();
    return connection;
}

static NpgsqlConnection OpenPostgres(string connectionString)
{
    var connection = new NpgsqlConnection(connectionString);
    connection.Open();
    return connection;
}

static string Percentile(double[] sorted, double p) =>
    sorted.Length == 0 ? "-" : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))].ToString("F1", CultureInfo.InvariantCulture);

internal sealed class Options
{
    public Dictionary<string, string> Values { get; } = [];

    public static Options Parse(IEnumerable<string> args)
    {
        var options = new Options();
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                name = arg[2..];
                options.Values[name] = "";
            }
            else if (name is not null)
            {
                options.Values[name] = arg;
                name = null;
            }
        }
        return options;
    }

    public bool Has(string name) => Values.ContainsKey(name);

    public string Get(string name, string? fallback = null) =>
        Values.TryGetValue(name, out var value) && value.Length > 0 ? value : fallback ?? throw new ArgumentException($"--{name} is required");

    public int Int(string name, int fallback) => Values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
