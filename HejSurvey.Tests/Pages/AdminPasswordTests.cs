using System.Net;
using HejSurvey.Web.Admin;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Tests.Pages;

/// <summary>The most common passwords are refused however long they are, with the reason in Swedish and English.</summary>
public abstract class AdminPasswordTests(AdminSiteFactory site)
{
    public sealed class OnSqlite(AdminSiteFactory site) : AdminPasswordTests(site), IClassFixture<AdminSiteFactory>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresAdminSiteFactory site) : AdminPasswordTests(site), IClassFixture<PostgresAdminSiteFactory>;

    [Fact]
    public void The_shipped_list_holds_at_least_the_10000_most_common_passwords()
    {
        Assert.True(AdminPassword.CommonCount >= 10_000, $"only {AdminPassword.CommonCount} passwords");
        foreach (var common in new[] { "123456", "password", "12345678", "qwerty", "password1234", "1qaz2wsx3edc" })
        {
            Assert.True(AdminPassword.IsCommon(common), common);
        }
        Assert.False(AdminPassword.IsCommon("kanelbulle tre fönster lagom"));
    }

    [Theory]
    [InlineData("password1234")]
    [InlineData("Password1234")]
    [InlineData("PASSWORD1234")]
    [InlineData("1qaz2wsx3edc")]
    [InlineData("123qweasdzxc")]
    public async Task The_command_line_refuses_a_common_password_for_a_new_admin_and_for_a_new_password(string common)
    {
        var name = $"pw-{Guid.NewGuid():N}"[..16];
        var output = new StringWriter();

        var created = await AdminCommand.RunAsync(site.Services, ["admin", "add", name, "--password-stdin"], new StringReader(common + "\n"), output);

        Assert.Equal(2, created);
        Assert.Contains("Lösenordet är ett av de vanligaste lösenorden", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("The password is one of the most common passwords", output.ToString(), StringComparison.Ordinal);
        await using (var db = site.Db())
        {
            Assert.False(await db.AdminUsers.AnyAsync(a => a.Name == name));
        }

        // An existing admin keeps the old password, and its sessions.
        var browser = await site.SignedInAsync(name);
        var reset = await AdminCommand.RunAsync(site.Services, ["admin", "add", name, "--password-stdin"], new StringReader(common + "\n"), new StringWriter());
        Assert.Equal(2, reset);
        using var still = await browser.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        using var login = await site.Browser().LoginAsync(name, AdminSiteFactory.Password);
        Assert.Equal("/admin", login.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_short_password_is_refused_in_both_languages()
    {
        var output = new StringWriter();

        var exit = await AdminCommand.RunAsync(site.Services, ["admin", "add", "pw-short", "--password-stdin"], new StringReader("kort\n"), output);

        Assert.Equal(2, exit);
        Assert.Contains("Lösenordet måste ha minst 12 tecken.", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("The password must be at least 12 characters.", output.ToString(), StringComparison.Ordinal);
    }
}
