using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace HejSurvey.Tests.Faults;

/// <summary>
/// The built site as a real process (<c>dotnet HejSurvey.Web.dll --urls http://127.0.0.1:PORT</c>) on its own
/// database file, so that a test can kill it the hard way and start it again.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private Process? process;

    public ServerProcess(string databasePath, int port)
    {
        DatabasePath = databasePath;
        Port = port;
    }

    public string DatabasePath { get; }
    public int Port { get; }

    /// <summary>
    /// The site on a PostgreSQL database instead of a file (<c>Database__Provider=PostgreSQL</c>), so that several of
    /// them can share it as web nodes do; <see cref="DatabasePath"/> is then empty.
    /// </summary>
    public static ServerProcess OnPostgres(string connectionString, int port)
    {
        var server = new ServerProcess("", port);
        server.Environment["Database__Provider"] = "PostgreSQL";
        server.Environment["ConnectionStrings__Survey"] = connectionString;
        return server;
    }

    /// <summary>More environment variables for the site (configuration such as <c>DataProtection__CertificatePath</c>).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>What the site wrote to standard output and error so far, for tests that read its log.</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (output)
            {
                return [.. output];
            }
        }
    }

    private readonly List<string> output = [];
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>The site's build output next to this test assembly's: …/HejSurvey.Web/bin/&lt;Configuration&gt;/net10.0/.</summary>
    public static string SiteFolder()
    {
        var tests = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = tests.Name;
        var configuration = tests.Parent!.Name;
        var root = tests.Parent!.Parent!.Parent!.Parent!.FullName;
        var folder = Path.Combine(root, "HejSurvey.Web", "bin", configuration, framework);
        Assert.True(File.Exists(Path.Combine(folder, "HejSurvey.Web.dll")), $"the site is not built in {folder}");
        return folder;
    }

    private static int lastPort = 5220 + Random.Shared.Next(80);

    /// <summary>
    /// A port in 5220–5299 that nothing listens on. Each call starts its search past the last port handed out, so that
    /// two servers started at once in this test run are not given the same port before either has bound it.
    /// </summary>
    public static int FreePort()
    {
        for (var tries = 0; tries < 80; tries++)
        {
            var port = 5220 + (Interlocked.Increment(ref lastPort) - 5220) % 80;
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no free port in 5220–5299");
    }

    /// <summary>Starts the site and waits, at most a minute, until it answers.</summary>
    public async Task StartAsync()
    {
        var folder = SiteFolder();
        var start = new ProcessStartInfo("dotnet", ["HejSurvey.Web.dll", "--urls", BaseAddress.ToString().TrimEnd('/')])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["ConnectionStrings__Survey"] = $"Data Source={DatabasePath}";
        start.Environment["Survey__SeedDemo"] = "false";
        start.Environment["Survey__SubmitPermitsPerMinute"] = "1000000";
        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }
        var linesBefore = Output.Count;
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => Record(line.Data);
        process.ErrorDataReceived += (_, line) => Record(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Only this process's own line says that the port is its own: another server on the same port would answer too.
        var listening = $"Now listening on: {BaseAddress.ToString().TrimEnd('/')}";
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            if (process.HasExited)
            {
                Assert.Fail($"the site exited with {process.ExitCode} while starting: {string.Join(" | ", Output.TakeLast(5))}");
            }
            if (!Output.Skip(linesBefore).Any(line => line.Contains(listening, StringComparison.Ordinal)))
            {
                await Task.Delay(100);
                continue;
            }
            try
            {
                using var response = await client.GetAsync("/");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("the site did not answer within a minute");
    }

    /// <summary>
    /// Runs the site's command line (<c>dotnet HejSurvey.Web.dll admin add …</c>) on this database, with
    /// <paramref name="input"/> as standard input; returns the exit code and what it wrote.
    /// </summary>
    public async Task<(int ExitCode, string Output)> RunCommandAsync(string input, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", ["HejSurvey.Web.dll", .. args])
        {
            WorkingDirectory = SiteFolder(),
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["ConnectionStrings__Survey"] = $"Data Source={DatabasePath}";
        start.Environment["Survey__SeedDemo"] = "false";
        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }
        using var command = Process.Start(start)!;
        await command.StandardInput.WriteAsync(input);
        command.StandardInput.Close();
        var stdout = command.StandardOutput.ReadToEndAsync();
        var stderr = command.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await command.WaitForExitAsync(timeout.Token);
        return (command.ExitCode, await stdout + await stderr);
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.Add(line);
            }
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush, no finally blocks.</summary>
    public void Kill()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: false);
            process.WaitForExit();
        }
        process?.Dispose();
        process = null;
    }

    public void Dispose() => Kill();
}
