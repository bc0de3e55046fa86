using System.Collections.Concurrent;
using System.Net;
using HejSurvey.Tests.Pages;
using HejSurvey.Web.Data;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace HejSurvey.Tests.Security;

/// <summary>
/// The Data Protection keys in the database are encrypted with a certificate from configuration (or, in Development,
/// one made beside the database); Production refuses to start without one.
/// </summary>
public sealed class KeyProtectionTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("hejsurvey-keys-").FullName;

    [Fact]
    public async Task A_start_with_a_pfx_certificate_stores_only_encrypted_keys_and_warns_of_no_missing_encryptor()
    {
        using var site = new LoggedSite();
        site.Settings["DataProtection:CertificatePath"] = TestCertificates.Pfx(folder);
        site.Settings["DataProtection:CertificatePassword"] = TestCertificates.Password;

        // The login form carries an antiforgery token, which makes the first key.
        using var page = await site.Browser().GetAsync("/admin/login");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        await AssertOnlyEncryptedKeysAsync(site);
        // The log is really read: the key's creation is in it, the warning of old is not.
        Assert.Contains(site.Logs, line => line.Contains("Creating key", StringComparison.Ordinal));
        Assert.DoesNotContain(site.Logs, line => line.Contains("No XML encryptor configured", StringComparison.Ordinal));
        Assert.DoesNotContain(site.Logs, line => line.Contains("unencrypted", StringComparison.OrdinalIgnoreCase));
        Assert.False(File.Exists(Path.ChangeExtension(site.DatabasePath, ".keys.pfx")), "a certificate was made although one is configured");
    }

    [Fact]
    public async Task Production_starts_with_a_pem_certificate_and_key_and_signs_an_admin_in()
    {
        var (certificate, key) = TestCertificates.Pem(folder);
        using var site = new LoggedSite("Production");
        site.Settings["DataProtection:CertificatePath"] = certificate;
        site.Settings["DataProtection:CertificateKeyPath"] = key;
        await site.CreateAdminAsync("keys-ada");

        // Production sends cookies only over HTTPS.
        var browser = site.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        using var login = await browser.LoginAsync("keys-ada", AdminSiteFactory.Password);

        Assert.Equal("/admin", login.Headers.Location?.OriginalString);
        await AssertOnlyEncryptedKeysAsync(site);
        Assert.DoesNotContain(site.Logs, line => line.Contains("No XML encryptor configured", StringComparison.Ordinal));
    }

    [Fact]
    public void Production_refuses_to_start_with_keys_it_would_store_unprotected_and_says_what_to_configure()
    {
        using var site = new LoggedSite("Production");

        var refused = Assert.ThrowsAny<Exception>(() => site.Server);

        var message = string.Join(" | ", Messages(refused));
        Assert.Contains("DataProtection:CertificatePath", message, StringComparison.Ordinal);
        Assert.Contains("DataProtection:CertificateKeyPath", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_that_cannot_be_read_stops_the_start_with_the_setting_named()
    {
        using var site = new LoggedSite();
        site.Settings["DataProtection:CertificatePath"] = TestCertificates.Pfx(folder);
        site.Settings["DataProtection:CertificatePassword"] = "not the password";

        var refused = Assert.ThrowsAny<Exception>(() => site.Server);

        Assert.Contains("DataProtection:CertificatePath", string.Join(" | ", Messages(refused)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_configuration_outside_Production_a_certificate_is_made_beside_the_database_for_its_owner_only()
    {
        using var site = new LoggedSite();

        using var page = await site.Browser().GetAsync("/admin/login");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var certificate = Path.ChangeExtension(site.DatabasePath, ".keys.pfx");
        Assert.True(File.Exists(certificate));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(certificate));
        }
        await AssertOnlyEncryptedKeysAsync(site);
        Assert.DoesNotContain(site.Logs, line => line.Contains("No XML encryptor configured", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Keys_stored_unprotected_by_an_earlier_version_are_removed_and_encrypted_ones_kept()
    {
        using var site = new LoggedSite();
        using (var page = await site.Browser().GetAsync("/admin/login"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
        await using var db = site.Db();
        var encrypted = await db.DataProtectionKeys.CountAsync();
        db.DataProtectionKeys.Add(new DataProtectionKey
        {
            FriendlyName = "key-00000000-0000-0000-0000-000000000001",
            Xml = "<key id=\"00000000-0000-0000-0000-000000000001\" version=\"1\"><descriptor><descriptor><masterKey requiresEncryption=\"true\"><value>AAAA</value></masterKey></descriptor></descriptor></key>",
        });
        await db.SaveChangesAsync();

        Assert.Equal(1, await KeyProtection.RemoveUnprotectedKeysAsync(db));

        Assert.Equal(encrypted, await db.DataProtectionKeys.CountAsync());
        Assert.True(encrypted > 0);
    }

    private static async Task AssertOnlyEncryptedKeysAsync(SiteFactory site)
    {
        await using var db = site.Db();
        var keys = await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml!).ToListAsync();
        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.Contains("<encryptedSecret", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        });
    }

    private static IEnumerable<string> Messages(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            yield return exception.Message;
        }
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>The site with every log line it writes kept, in the given environment.</summary>
    private sealed class LoggedSite(string environment = "Testing") : AdminSiteFactory
    {
        private readonly ConcurrentQueue<string> logs = new();

        public IEnumerable<string> Logs => logs;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment(environment);
            builder.ConfigureLogging(logging => logging.AddProvider(new QueueLogger(logs)).AddFilter<QueueLogger>(null, LogLevel.Debug));
        }
    }

    private sealed class QueueLogger(ConcurrentQueue<string> logs) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Enqueue($"{logLevel}: {formatter(state, exception)}");

        public void Dispose()
        {
        }
    }
}
