using System.Collections.Concurrent;
using System.Net;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace HejSurvey.Tests.Browser;

/// <summary>
/// The site on a real Kestrel port (its own SQLite file) and one headless Debian Chromium, shared by every
/// browser test: starting either costs seconds, a new browser context per test costs milliseconds.
/// </summary>
public sealed class BrowserSite : IAsyncLifetime
{
    /// <summary>The distribution's Chromium; Playwright never downloads a browser of its own here.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public SiteFactory Site { get; } = new();

    /// <summary>http://127.0.0.1:{port}, the only origin any page may talk to.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Chromium => _browser ?? throw new InvalidOperationException("The browser has not started.");

    /// <summary>Where each test run leaves its screenshots: bin/…/screenshots beside the test assembly.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        // Every admin test signs in from 127.0.0.1; the real limits (a handful a minute) have tests of their own.
        Site.Settings["Admin:LoginPermitsPerAddressPerMinute"] = "1000";
        Site.Settings["Admin:LoginPermitsPerNamePerMinute"] = "1000";
        Site.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        Site.StartServer();
        var addresses = Site.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.Single());

        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Browser tests need Chromium at {ChromiumPath} (apt-get install -y chromium); .ci/run installs it.");
        }
        Directory.CreateDirectory(ScreenshotFolder);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Without the background-networking switches Chromium keeps calling home, which a closed network refuses.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A fresh browser (own cookies, own storage) on a desktop or phone screen, recording every request its pages make.</summary>
    public async Task<BrowserTab> OpenAsync(Screen screen, bool javaScript = true)
    {
        var options = new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            JavaScriptEnabled = javaScript,
            ViewportSize = new ViewportSize { Width = screen.Width, Height = screen.Height },
            IsMobile = screen.IsPhone,
            HasTouch = screen.IsPhone,
            DeviceScaleFactor = 1, // layout is the same at any pixel density; 1 keeps full-page screenshots quick
            Locale = "sv-SE",
        };
        var context = await Chromium.NewContextAsync(options);
        context.SetDefaultTimeout(15_000);
        return new BrowserTab(this, context, await context.NewPageAsync(), screen);
    }

    private readonly ConcurrentDictionary<string, Lazy<Task<Round>>> _rounds = new();

    /// <summary>A round made once per test run and shared by the tests that only look at it (pages, axe, screenshots).</summary>
    public Task<Round> SharedRoundAsync(string slug, RoundState state = RoundState.Open, bool published = false, bool live = false) =>
        _rounds.GetOrAdd(slug, _ => new Lazy<Task<Round>>(() => Site.CreateRoundAsync(slug, state, published, live))).Value;

    private readonly Lazy<Task<ResultsRounds>> _results;
    private readonly Lazy<Task<IReadOnlyList<Microsoft.Playwright.Cookie>>> _adminSession;

    public BrowserSite()
    {
        _results = new(() => ResultsRounds.ArrangeAsync(Site));
        _adminSession = new(SignInOnceAsync);
    }

    /// <summary>The published, live and unpublished rounds with answers, made once per test run for the results tests.</summary>
    public Task<ResultsRounds> SharedResultsAsync() => _results.Value;

    /// <summary>
    /// Makes the tab's browser one that has already answered the round: stores a response under the hash of a
    /// token and gives the browser that token's cookie, as the survey form itself would have.
    /// </summary>
    public async Task MarkAnsweredAsync(BrowserTab tab, Round round)
    {
        var token = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using (var db = Site.Db())
        {
            db.Responses.Add(new Response
            {
                RoundId = round.Id,
                SubmittedOn = DateOnly.FromDateTime(DateTime.UtcNow),
                RespondentHash = RespondentToken.Hash(round.Slug, token),
                IdempotencyKey = Guid.NewGuid(),
            });
            await db.SaveChangesAsync();
        }
        await tab.Context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = RespondentToken.CookieName, Value = token, Url = BaseAddress.ToString() }]);
    }

    /// <summary>Stores an admin with that name and password, as the command line does.</summary>
    public async Task CreateAdminAsync(string name, string password)
    {
        await using var db = Site.Db();
        await AdminCommand.SaveAsync(db, SiteFactory.PasswordHasher, name, password, DateTime.UtcNow);
    }

    /// <summary>
    /// Gives the tab's browser the login cookie of an admin who signed in once per test run through the login form,
    /// for the tests that only look at admin pages; a test of signing in itself signs in on its own.
    /// </summary>
    public async Task SignInAsync(BrowserTab tab) => await tab.Context.AddCookiesAsync(await _adminSession.Value);

    private async Task<IReadOnlyList<Microsoft.Playwright.Cookie>> SignInOnceAsync()
    {
        const string Name = "granskare";
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        await CreateAdminAsync(Name, password);
        await using var tab = await OpenAsync(Screen.Desktop);
        await tab.LogInAsync(Name, password);
        if (!tab.Page.Url.EndsWith("/admin", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Signing in as {Name} ended on {tab.Page.Url}, not on /admin.");
        }
        return [.. (await tab.Context.CookiesAsync()).Where(c => c.Name == "HejSurvey.Admin").Select(c => new Microsoft.Playwright.Cookie
        {
            Name = c.Name,
            Value = c.Value,
            Domain = c.Domain,
            Path = c.Path,
            HttpOnly = c.HttpOnly,
            Secure = c.Secure,
            SameSite = c.SameSite,
        })];
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }
        _playwright?.Dispose();
        await Site.DisposeAsync();
    }
}

/// <summary>A screen size the site must work on.</summary>
public sealed record Screen(string Name, int Width, int Height, bool IsPhone)
{
    public static readonly Screen Desktop = new("desktop", 1280, 900, false);
    public static readonly Screen Phone = new("phone", 390, 844, true);

    public static IEnumerable<Screen> All => [Desktop, Phone];

    public override string ToString() => Name;
}

/// <summary>The browser tests share one <see cref="BrowserSite"/> and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class UsesBrowser : ICollectionFixture<BrowserSite>
{
    public const string Name = "Browser";
}
