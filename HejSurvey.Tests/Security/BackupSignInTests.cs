using System.Net;
using HejSurvey.Tests.Faults;
using HejSurvey.Tests.Pages;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Tests.Security;

/// <summary>
/// What an attacker with a backup (or a copy of the database file) can do: start a second site on it, give an admin a
/// password there with <c>admin add</c>, sign in there, and send that cookie to the live site. The live site must
/// refuse it, and the copy must not accept the live site's cookies either: the keys in the copy are encrypted with a
/// certificate that is not in it. Both sites are real processes on their own database files.
/// </summary>
public sealed class BackupSignInTests : IDisposable
{
    private const string AttackerPassword = "whatever the attacker likes 42";
    private readonly string folder = Directory.CreateTempSubdirectory("hejsurvey-stolen-").FullName;

    [Theory]
    [InlineData("backup")]
    [InlineData("file copy")]
    public async Task A_second_site_on_a_copy_of_the_database_cannot_make_a_cookie_the_live_site_accepts(string copiedBy)
    {
        var liveFolder = Directory.CreateDirectory(Path.Combine(folder, "live")).FullName;
        var liveDatabase = Path.Combine(liveFolder, "hejsurvey.db");
        using var live = new ServerProcess(liveDatabase, ServerProcess.FreePort());
        live.Environment["DataProtection__CertificatePath"] = TestCertificates.Pfx(liveFolder);
        live.Environment["DataProtection__CertificatePassword"] = TestCertificates.Password;
        await live.StartAsync();
        await using (var db = Db(liveDatabase))
        {
            await AdminCommand.SaveAsync(db, SiteFactory.PasswordHasher, "ada", AdminSiteFactory.Password, DateTime.UtcNow);
            db.Rounds.Add(new Round
            {
                Slug = "stolen",
                TitleSv = "Stulen",
                TitleEn = "Stolen",
                QuestionnaireId = (await db.Questionnaires.FirstAsync()).Id,
                State = RoundState.Open,
                CreatedAt = DateTime.UtcNow,
                OpenedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        }
        var (admin, adminJar) = Browser(live);
        using (var login = await admin.LoginAsync("ada", AdminSiteFactory.Password))
        {
            Assert.Equal("/admin", login.Headers.Location?.OriginalString);
        }
        var liveCookie = AdminCookie(adminJar, live);

        var copyFolder = Directory.CreateDirectory(Path.Combine(folder, "copy")).FullName;
        var copyDatabase = Path.Combine(copyFolder, "hejsurvey.db");
        if (copiedBy == "backup")
        {
            await File.WriteAllBytesAsync(copyDatabase, await admin.GetByteArrayAsync("/admin/backup"));
        }
        else
        {
            foreach (var suffix in new[] { "", "-wal" })
            {
                if (File.Exists(liveDatabase + suffix))
                {
                    File.Copy(liveDatabase + suffix, copyDatabase + suffix);
                }
            }
        }
        await using (var copied = Db(copyDatabase))
        {
            // A backup leaves the keys out, and zeroes their pages; a copy of the file has them, encrypted.
            var keys = await copied.DataProtectionKeys.Select(k => k.Xml!).ToListAsync();
            if (copiedBy == "backup")
            {
                Assert.Empty(keys);
                var bytes = await File.ReadAllBytesAsync(copyDatabase);
                Assert.Equal(-1, bytes.AsSpan().IndexOf("encryptedSecret"u8));
                Assert.Equal(-1, bytes.AsSpan().IndexOf("<key id="u8));
            }
            else
            {
                Assert.NotEmpty(keys);
                Assert.All(keys, xml => Assert.Contains("<encryptedSecret", xml, StringComparison.Ordinal));
            }
        }
        SqliteConnection.ClearAllPools();

        // The attacker's site: the copy, its own admin password, no certificate of the live site.
        using var stolen = new ServerProcess(copyDatabase, ServerProcess.FreePort());
        var (exit, said) = await stolen.RunCommandAsync(AttackerPassword + "\n", "admin", "add", "ada", "--password-stdin");
        Assert.True(exit == 0, said);
        await stolen.StartAsync();
        var (attacker, attackerJar) = Browser(stolen);
        using (var login = await attacker.LoginAsync("ada", AttackerPassword))
        {
            Assert.Equal("/admin", login.Headers.Location?.OriginalString);
        }
        using (var there = await attacker.GetAsync("/admin"))
        {
            Assert.Equal(HttpStatusCode.OK, there.StatusCode);
        }
        var forged = AdminCookie(attackerJar, stolen);
        Assert.NotEmpty(forged);

        foreach (var url in new[] { "/admin/backup", "/admin/rounds/stolen/responses.csv" })
        {
            using var file = await WithCookie(live, forged).GetAsync(url);
            Assert.Equal(HttpStatusCode.Unauthorized, file.StatusCode);
        }
        using (var page = await WithCookie(live, forged).GetAsync("/admin"))
        {
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.StartsWith("/admin/login", page.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }
        // Nor can the copy read the live site's cookie, although its session is in the copy: the key is not usable there.
        using (var liveCookieThere = await WithCookie(stolen, liveCookie).GetAsync("/admin/backup"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, liveCookieThere.StatusCode);
        }
        // The live admin is still signed in.
        using (var still = await admin.GetAsync("/admin"))
        {
            Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        }
    }

    private static (HttpClient Browser, System.Net.CookieContainer Jar) Browser(ServerProcess site)
    {
        var jar = new System.Net.CookieContainer();
        var browser = new HttpClient(new CookieContainerHandler(jar) { InnerHandler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false } })
        {
            BaseAddress = site.BaseAddress,
        };
        return (browser, jar);
    }

    private static string AdminCookie(System.Net.CookieContainer jar, ServerProcess site) =>
        string.Join("; ", jar.GetCookies(new Uri(site.BaseAddress, "/admin")).Where(c => c.Name.StartsWith("HejSurvey.Admin", StringComparison.Ordinal)).Select(c => $"{c.Name}={c.Value}"));

    private static HttpClient WithCookie(ServerProcess site, string cookie)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = site.BaseAddress };
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    private static SurveyDb Db(string path) => new(new DbContextOptionsBuilder<SurveyDb>().UseSqlite($"Data Source={path}").Options);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
