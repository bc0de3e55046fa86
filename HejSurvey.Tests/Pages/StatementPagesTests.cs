using HejSurvey.Web.Data;

namespace HejSurvey.Tests.Pages;

/// <summary>The accessibility statement and the privacy notice: the facts a visitor relies on, in both languages.</summary>
public abstract class StatementPagesTests(StatementPagesTests.ContactSite site)
{
    public class ContactSite : SiteFactory
    {
        public ContactSite()
            : this(DatabaseProvider.Sqlite)
        {
        }

        protected ContactSite(DatabaseProvider provider)
            : base(provider)
        {
            Settings["Contact:Email"] = "tillganglighet@myndigheten.example";
            Settings["Contact:Organisation"] = "Myndigheten för prov";
            Settings["Survey:MinGroupSize"] = "7";
        }
    }

    public sealed class PostgresContactSite() : ContactSite(DatabaseProvider.PostgreSQL);

    public sealed class OnSqlite(ContactSite site) : StatementPagesTests(site), IClassFixture<ContactSite>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresContactSite site) : StatementPagesTests(site), IClassFixture<PostgresContactSite>;

    private readonly ContactSite _site = site;

    [Theory]
    [InlineData("", "Tillgänglighetsredogörelse för Hej digitalt", "helt förenlig", "Digg", "27 november 2026")]
    [InlineData("?culture=en", "Accessibility statement for Hej digitalt", "fully compliant", "Digg", "27 November 2026")]
    public async Task The_accessibility_statement_gives_status_contact_supervisor_and_date(string query, string heading, string status, string supervisor, string date)
    {
        var page = await _site.Browser().GetPageAsync($"/accessibility{query}");
        var text = page.Body!.TextContent;

        // A soft hyphen lets the long Swedish word break on a phone.
        Assert.Equal(heading, page.QuerySelector("h1")!.TextContent.Replace("\u00AD", "", StringComparison.Ordinal));
        Assert.Contains(status, text, StringComparison.Ordinal);
        Assert.Contains("WCAG 2.1", text, StringComparison.Ordinal);
        Assert.Contains("EN 301 549", text, StringComparison.Ordinal);
        Assert.Contains(supervisor, text, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("a[href='https://www.digg.se/tdosanmalan']"));
        Assert.NotNull(page.QuerySelector("a[href='mailto:tillganglighet@myndigheten.example']"));
        Assert.Contains("Myndigheten för prov", text, StringComparison.Ordinal);
        Assert.Contains(date, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "IP-adress", "Klockslaget", "färre än 7 svar", "Fritextsvar publiceras aldrig")]
    [InlineData("?culture=en", "IP address", "The time of day", "fewer than 7 answers", "Free-text answers are never published")]
    public async Task The_privacy_notice_says_what_is_not_stored_names_every_cookie_and_the_real_group_limit(string query, string ip, string time, string groups, string freeText)
    {
        var page = await _site.Browser().GetPageAsync($"/privacy{query}");
        var text = page.Body!.TextContent;

        Assert.Contains(ip, text, StringComparison.Ordinal);
        Assert.Contains(time, text, StringComparison.Ordinal);
        Assert.Contains(groups, text, StringComparison.Ordinal);
        Assert.Contains(freeText, text, StringComparison.Ordinal);
        var cookies = page.QuerySelectorAll("table tbody tr td:first-child").Select(td => td.TextContent).ToList();
        Assert.Equal(["hej_respondent", ".AspNetCore.Culture", ".AspNetCore.Antiforgery…"], cookies);
        Assert.NotNull(page.QuerySelector("a[href='mailto:tillganglighet@myndigheten.example']"));
    }

    [Fact]
    public async Task The_footer_of_every_page_links_to_both()
    {
        var page = await _site.Browser().GetPageAsync("/");

        Assert.NotNull(page.QuerySelector("footer a[href='/accessibility']"));
        Assert.NotNull(page.QuerySelector("footer a[href='/privacy']"));
    }
}
