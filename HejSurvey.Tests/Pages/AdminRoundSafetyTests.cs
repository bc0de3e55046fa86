using System.Net;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HejSurvey.Tests.Pages;

/// <summary>
/// The round page keeps an admin from mistakes and says what the public sees: closing goes through a confirmation,
/// titles, an opening time and a response target can be changed (each audited, each checked), and the audit log and
/// the health page read as sentences in the admin's language.
/// </summary>
public abstract class AdminRoundSafetyTests(AdminSiteFactory site)
{
    public sealed class OnSqlite(AdminSiteFactory site) : AdminRoundSafetyTests(site), IClassFixture<AdminSiteFactory>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresAdminSiteFactory site) : AdminRoundSafetyTests(site), IClassFixture<PostgresAdminSiteFactory>;

    [Fact]
    public async Task A_post_of_close_without_the_confirmation_step_changes_nothing()
    {
        var browser = await site.SignedInAsync("safety-unconfirmed");
        await site.CreateRoundAsync("safety-unconfirmed");

        using var response = await browser.ChangeRoundAsync("safety-unconfirmed", "Close");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin/rounds/safety-unconfirmed/close", response.Headers.Location?.OriginalString);
        var round = await site.RoundAsync("safety-unconfirmed");
        Assert.Equal((RoundState.Open, null), (round.State, round.ClosedAt));
        Assert.Equal([AuditAction.Login], (await site.AuditAsync("safety-unconfirmed")).Select(a => a.Action));
        // Not even a garbled confirmation closes it.
        using var garbled = await browser.ChangeRoundAsync("safety-unconfirmed", "Close", ("confirmed", "perhaps"));
        Assert.Equal(RoundState.Open, (await site.RoundAsync("safety-unconfirmed")).State);
    }

    [Fact]
    public async Task The_round_page_only_links_to_closing_and_the_confirmation_names_the_round_and_its_responses()
    {
        var browser = await site.SignedInAsync("safety-confirm");
        await site.CreateRoundAsync("safety-confirm");
        for (var i = 0; i < 2; i++)
        {
            using var answered = await SurveyJourneyTests.AnswerAsync(site.Browser(), "safety-confirm", SurveyJourneyTests.CompleteAnswers());
        }

        var roundPage = await browser.GetPageAsync("/admin/rounds/safety-confirm");
        Assert.Empty(roundPage.QuerySelectorAll("form[action$='handler=Close']"));
        Assert.Equal("/admin/rounds/safety-confirm/close", roundPage.QuerySelector("a#close-round")!.GetAttribute("href"));
        // Publishing an open round is not the filled primary button beside closing.
        Assert.Contains("secondary", roundPage.QuerySelector("form[action*='handler=Publish'] button")!.ClassName, StringComparison.Ordinal);

        var confirm = await browser.GetPageAsync("/admin/rounds/safety-confirm/close");
        Assert.Contains("Omgång safety-confirm", confirm.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("har 2 svar", confirm.QuerySelector("#close-warning")!.TextContent, StringComparison.Ordinal);
        var button = confirm.QuerySelector("button#close-confirmed")!;
        Assert.Contains("danger", button.ClassName, StringComparison.Ordinal);
        var fields = HtmlForm.HiddenFields(confirm, "form[action$='handler=Close']");
        Assert.Equal("true", fields["confirmed"]);

        using var closed = await browser.PostFormAsync("/admin/rounds/safety-confirm?handler=Close", fields);
        Assert.Equal(HttpStatusCode.Redirect, closed.StatusCode);
        Assert.Equal(RoundState.Closed, (await site.RoundAsync("safety-confirm")).State);
        Assert.Single(await site.AuditAsync("safety-confirm"), a => a.Action == AuditAction.RoundClosed);
        // A closed round has nothing to confirm: the confirmation page sends the admin back.
        using var again = await browser.GetAsync("/admin/rounds/safety-confirm/close");
        Assert.Equal("/admin/rounds/safety-confirm", again.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData(RoundState.Draft, false, false, "ser ingenting av omgången")]
    [InlineData(RoundState.Open, false, false, "kan svara på enkäten men ser inga resultat")]
    [InlineData(RoundState.Open, true, false, "syns först när omgången har stängts")]
    [InlineData(RoundState.Open, true, true, "ser redan resultaten medan omgången pågår")]
    [InlineData(RoundState.Closed, true, false, "ser slutresultatet")]
    [InlineData(RoundState.Closed, false, false, "resultaten är inte publicerade")]
    public async Task One_sentence_says_what_the_public_sees_now(RoundState state, bool published, bool live, string expected)
    {
        var slug = $"safety-public-{state}-{published}-{live}".ToLowerInvariant();
        var browser = await site.SignedInAsync(slug);
        await site.CreateRoundAsync(slug, state, published, live);

        var page = await browser.GetPageAsync($"/admin/rounds/{slug}");

        var sentence = page.QuerySelector("#public-view")!;
        Assert.Contains(expected, sentence.TextContent, StringComparison.Ordinal);
        // Results shown while the round runs are marked as the case to notice.
        Assert.Equal(state == RoundState.Open && published && live, sentence.ClassList.Contains("warning"));
    }

    [Fact]
    public async Task Titles_can_be_changed_in_both_languages_are_audited_and_an_empty_one_changes_nothing()
    {
        var browser = await site.SignedInAsync("safety-titles");
        await site.CreateRoundAsync("safety-titles", RoundState.Closed, published: true);

        using var empty = await browser.ChangeRoundAsync("safety-titles", "Titles", ("TitleSv", "  "), ("TitleEn", "Hej digital 2025"));
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        var emptyPage = await HtmlForm.ParseAsync(empty);
        Assert.Equal("Skriv omgångens rubrik på svenska.", emptyPage.QuerySelector("#title-sv-error")!.TextContent);
        Assert.StartsWith("Fel:", emptyPage.Title, StringComparison.Ordinal);
        Assert.Equal("Omgång safety-titles", (await site.RoundAsync("safety-titles")).TitleSv);

        using var saved = await browser.ChangeRoundAsync("safety-titles", "Titles", ("TitleSv", " Hej digitalt 2025 "), ("TitleEn", "Hej digital 2025"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var round = await site.RoundAsync("safety-titles");
        Assert.Equal(("Hej digitalt 2025", "Hej digital 2025"), (round.TitleSv, round.TitleEn));
        var audit = Assert.Single(await site.AuditAsync("safety-titles"), a => a.Action == AuditAction.RoundTitles);
        Assert.Equal("safety-titles: titles \"Hej digitalt 2025\" / \"Hej digital 2025\"", audit.Detail);

        var log = await browser.GetPageAsync("/admin/audit");
        Assert.Contains(log.QuerySelectorAll("#audit td.audit-entry"), c => c.TextContent == "Omgången safety-titles fick rubrikerna ”Hej digitalt 2025” på svenska och ”Hej digital 2025” på engelska.");
    }

    [Fact]
    public async Task An_opening_time_must_lie_ahead_and_before_the_close_time_and_the_round_closer_opens_the_round_then()
    {
        var browser = await site.SignedInAsync("safety-opens");
        var year = DateTime.UtcNow.Year + 1;
        await site.CreateRoundAsync("safety-opens", RoundState.Draft, closesAt: new DateTime(year, 3, 1, 11, 0, 0));

        using (var past = await browser.ChangeRoundAsync("safety-opens", "OpensAt", ("OpensAt", "2020-01-01T09:00")))
        {
            Assert.Contains("i framtiden", (await HtmlForm.ParseAsync(past)).QuerySelector("#opens-at-error")!.TextContent, StringComparison.Ordinal);
        }
        using (var afterClose = await browser.ChangeRoundAsync("safety-opens", "OpensAt", ("OpensAt", $"{year}-03-02T09:00")))
        {
            Assert.Equal($"Öppningstiden måste ligga före stängningstiden, {year}-03-01 12:00 (svensk tid).", (await HtmlForm.ParseAsync(afterClose)).QuerySelector("#opens-at-error")!.TextContent);
        }
        using (var garbled = await browser.ChangeRoundAsync("safety-opens", "OpensAt", ("OpensAt", "soon")))
        {
            Assert.NotNull((await HtmlForm.ParseAsync(garbled)).QuerySelector("#opens-at-error"));
        }
        Assert.Null((await site.RoundAsync("safety-opens")).OpensAt);

        using (var good = await browser.ChangeRoundAsync("safety-opens", "OpensAt", ("OpensAt", $"{year}-02-01T09:00")))
        {
            Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        }
        // 09:00 in Swedish winter time is 08:00 UTC.
        Assert.Equal(new DateTime(year, 2, 1, 8, 0, 0), (await site.RoundAsync("safety-opens")).OpensAt);
        using (var closeTooEarly = await browser.ChangeRoundAsync("safety-opens", "ClosesAt", ("ClosesAt", $"{year}-01-15T09:00")))
        {
            Assert.Contains("efter öppningstiden", (await HtmlForm.ParseAsync(closeTooEarly)).QuerySelector("#closes-at-error")!.TextContent, StringComparison.Ordinal);
        }
        Assert.Equal(new DateTime(year, 3, 1, 11, 0, 0), (await site.RoundAsync("safety-opens")).ClosesAt);

        // The time comes (written straight to the database, as the clock cannot be moved in this shared site).
        var opensAt = DateTime.UtcNow.AddMinutes(-1);
        await using (var db = site.Db())
        {
            await db.Rounds.Where(r => r.Slug == "safety-opens").ExecuteUpdateAsync(s => s.SetProperty(r => r.OpensAt, opensAt));
        }
        await site.CreateRoundAsync("safety-opens-later", RoundState.Draft);
        await using (var db = site.Db())
        {
            await db.Rounds.Where(r => r.Slug == "safety-opens-later").ExecuteUpdateAsync(s => s.SetProperty(r => r.OpensAt, DateTime.UtcNow.AddDays(1)));
        }
        var closer = site.Services.GetRequiredService<RoundCloser>();
        await closer.OpenDueRoundsAsync(CancellationToken.None);
        await closer.OpenDueRoundsAsync(CancellationToken.None);

        var opened = await site.RoundAsync("safety-opens");
        Assert.Equal(RoundState.Open, opened.State);
        Assert.Equal(opensAt, opened.OpenedAt!.Value, TimeSpan.FromMilliseconds(1));
        Assert.Equal(RoundState.Draft, (await site.RoundAsync("safety-opens-later")).State);
        Assert.Single(await site.AuditAsync(AuditLog.System), a => a.Action == AuditAction.RoundOpened && a.Detail == "safety-opens: the opening time has come");
        using var form = await site.Browser().GetAsync("/survey/safety-opens");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
    }

    [Fact]
    public async Task A_response_target_is_a_whole_number_and_the_dashboard_measures_progress_against_it()
    {
        var browser = await site.SignedInAsync("safety-target");
        await site.CreateRoundAsync("safety-target");
        using (var answered = await SurveyJourneyTests.AnswerAsync(site.Browser(), "safety-target", SurveyJourneyTests.CompleteAnswers()))
        {
            Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        }

        foreach (var bad in new[] { "0", "-3", "många", "99999999999" })
        {
            using var refused = await browser.ChangeRoundAsync("safety-target", "Target", ("Target", bad));
            Assert.NotNull((await HtmlForm.ParseAsync(refused)).QuerySelector("#target-error"));
        }
        Assert.Null((await site.RoundAsync("safety-target")).ResponseTarget);

        using (var saved = await browser.ChangeRoundAsync("safety-target", "Target", ("Target", "1000")))
        {
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        }
        Assert.Equal(1000, (await site.RoundAsync("safety-target")).ResponseTarget);

        var card = (await browser.GetPageAsync("/admin")).QuerySelector("#round-safety-target")!;
        Assert.Equal("1", card.QuerySelector(".today")!.TextContent);
        Assert.Equal("1", card.QuerySelector(".total")!.TextContent);
        Assert.Contains("1 av 1\u00a0000 svar (0 %)", card.QuerySelector(".target")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("1000", card.QuerySelector("progress")!.GetAttribute("max"));
        Assert.Equal("/admin/rounds/safety-target#days", card.QuerySelector("a[href$='#days']")!.GetAttribute("href"));
        var english = (await browser.GetPageAsync("/admin?culture=en")).QuerySelector("#round-safety-target .target")!;
        Assert.Contains("1 of 1,000 responses (0%)", english.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_audit_log_reads_as_sentences_in_the_admins_language()
    {
        var browser = await site.SignedInAsync("safety-audit");
        await site.CreateRoundAsync("safety-audit", RoundState.Draft);
        using (var failed = await site.Browser().LoginAsync("safety-audit", "not the password at all"))
        {
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        }
        using (var opened = await browser.ChangeRoundAsync("safety-audit", "Open"))
        {
            Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        }
        await using (var db = site.Db())
        {
            db.Audit(DateTime.UtcNow, "safety-audit", AuditAction.SessionsEnded, "signed out everywhere: 1 open sessions ended");
            db.Audit(DateTime.UtcNow, AuditLog.System, AuditAction.SessionsEnded, "3 open sessions of safety-audit ended by the new password");
            db.Audit(DateTime.UtcNow, "safety-audit", AuditAction.Backup, "80636123 bytes");
            db.Audit(DateTime.UtcNow, "safety-audit", AuditAction.RoundSummary, "safety-audit: sv 420 characters, en 0 characters");
            db.Audit(DateTime.UtcNow, "safety-audit", AuditAction.QuestionnaireCreated, "hej-digitalt v3: draft from v2");
            db.Audit(DateTime.UtcNow, "safety-audit", AuditAction.QuestionnaireImported, "hej-digitalt v4: imported from ny.json");
            db.Audit(DateTime.UtcNow, "safety-audit", AuditAction.QuestionnaireFinal, "hej-digitalt v3");
            db.Audit(DateTime.UtcNow, "safety-audit", AuditAction.RoundQuestionnaire, "safety-audit: hej-digitalt v3");
            db.Audit(DateTime.UtcNow, "safety-audit", "something-new", "as it was stored");
            await db.SaveChangesAsync();
        }

        var swedish = Sentences(await browser.GetPageAsync("/admin/audit"));
        var english = Sentences(await browser.GetPageAsync("/admin/audit?culture=en"));

        Assert.Contains("Misslyckad inloggning: fel lösenord.", swedish);
        Assert.Contains("Omgången safety-audit öppnades.", swedish);
        Assert.Contains("Loggade ut överallt: en öppen inloggning avslutades.", swedish);
        Assert.Contains("3 öppna inloggningar för safety-audit avslutades av det nya lösenordet.", swedish);
        Assert.Contains("Laddade ner en säkerhetskopia på 80\u00a0636\u00a0123 byte.", swedish);
        Assert.Contains(swedish, s => s.StartsWith("Loggade in. Inloggningen gäller till senast ", StringComparison.Ordinal));
        Assert.Contains("Arrangörernas sammanfattning av safety-audit sparades: 420 tecken på svenska och 0 på engelska.", swedish);
        Assert.Contains("Utkastet hej-digitalt version 3 skapades från version 2.", swedish);
        Assert.Contains("Utkastet hej-digitalt version 4 importerades från filen ny.json.", swedish);
        Assert.Contains("hej-digitalt version 3 gjordes slutgiltig och kan inte längre ändras.", swedish);
        Assert.Contains("Omgången safety-audit ställer nu frågorna i hej-digitalt version 3.", swedish);
        Assert.Contains("Händelse something-new: as it was stored", swedish);
        Assert.Contains("Failed sign-in: wrong password.", english);
        Assert.Contains("The round safety-audit was opened.", english);
        Assert.Contains("Signed out everywhere: one open sign-in was ended.", english);
        Assert.Contains("Downloaded a backup of 80,636,123 bytes.", english);
        Assert.Contains("Draft hej-digitalt version 3 was made from version 2.", english);
        Assert.Contains("The round safety-audit now asks the questions of hej-digitalt version 3.", english);
        Assert.Contains("The organisers' summary of safety-audit was saved: 420 characters in Swedish and 0 in English.", english);
        // No raw code is left where a known action was written.
        Assert.DoesNotContain(swedish.Concat(english), s => s.Contains("login-failed", StringComparison.Ordinal) || s.Contains("sessions", StringComparison.Ordinal));
        Assert.Contains(swedish, s => s == "Misslyckad inloggning: fel lösenord.");
    }

    [Fact]
    public async Task The_health_page_is_in_the_admins_language_with_numbers_in_its_format()
    {
        var browser = await site.SignedInAsync("safety-health");

        var swedish = (await browser.GetPageAsync("/admin/health")).QuerySelector("tbody")!.TextContent;
        var english = (await browser.GetPageAsync("/admin/health?culture=en")).QuerySelector("tbody")!.TextContent;

        Assert.Contains("Databasen tar emot skrivningar.", swedish, StringComparison.Ordinal);
        Assert.DoesNotContain("The database", swedish, StringComparison.Ordinal);
        Assert.Contains("The database takes writes.", english, StringComparison.Ordinal);
        // The free disk, in megabytes, is shown where the site keeps its SQLite file.
        if (site.Provider == DatabaseProvider.Sqlite)
        {
            Assert.Matches(@"\d{1,3}(\u00a0\d{3})* MB ledigt\.", swedish);
            Assert.Matches(@"\d{1,3}(,\d{3})* MB free\.", english);
        }
    }

    [Fact]
    public async Task Svar_hittills_is_said_only_of_an_open_round()
    {
        var browser = await site.SignedInAsync("safety-so-far");
        await site.CreateRoundAsync("safety-so-far-open");
        await site.CreateRoundAsync("safety-so-far-closed", RoundState.Closed);

        var open = await browser.GetPageAsync("/admin/rounds/safety-so-far-open");
        var closed = await browser.GetPageAsync("/admin/rounds/safety-so-far-closed");

        Assert.Contains(open.QuerySelectorAll("dl.facts dt"), dt => dt.TextContent == "Svar hittills");
        Assert.DoesNotContain(closed.QuerySelectorAll("dl.facts dt"), dt => dt.TextContent == "Svar hittills");
        Assert.Contains(closed.QuerySelectorAll("dl.facts dt"), dt => dt.TextContent == "Svar");
    }

    private static List<string> Sentences(AngleSharp.Html.Dom.IHtmlDocument page) =>
        page.QuerySelectorAll("#audit td.audit-entry").Select(c => c.TextContent).ToList();
}

/// <summary>The survey's address and its QR code come from Site:PublicOrigin, whatever Host the admin's request carried.</summary>
public abstract class SurveyAddressTests(SurveyAddressTests.PublicSite site)
{
    public class PublicSite : AdminSiteFactory
    {
        public PublicSite()
            : this(DatabaseProvider.Sqlite)
        {
        }

        protected PublicSite(DatabaseProvider provider)
            : base(provider) => Settings["Site:PublicOrigin"] = "https://hejdigitalt.example.se";
    }

    public sealed class PostgresPublicSite() : PublicSite(DatabaseProvider.PostgreSQL);

    public sealed class OnSqlite(PublicSite site) : SurveyAddressTests(site), IClassFixture<PublicSite>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresPublicSite site) : SurveyAddressTests(site), IClassFixture<PostgresPublicSite>;

    [Fact]
    public async Task The_round_page_shows_the_full_public_address_with_a_copy_button_and_its_QR_code()
    {
        var browser = await site.SignedInAsync("address");
        await site.CreateRoundAsync("address-round");
        browser.DefaultRequestHeaders.Host = "evil.example";

        var page = await browser.GetPageAsync("/admin/rounds/address-round");

        Assert.Equal("https://hejdigitalt.example.se/survey/address-round", page.QuerySelector("input#survey-url")!.GetAttribute("value"));
        Assert.Equal("survey-url", page.QuerySelector("button[data-copy]")!.GetAttribute("data-copy"));
        Assert.NotNull(page.QuerySelector("script[src^='/js/admin.js']"));
        Assert.Empty(page.QuerySelectorAll("script:not([src]):not([type='application/json'])"));
        var image = page.QuerySelector(".qr-code img")!;
        Assert.Equal("/admin/rounds/address-round/qr.svg", image.GetAttribute("src"));
        Assert.Contains("https://hejdigitalt.example.se/survey/address-round", image.GetAttribute("alt"), StringComparison.Ordinal);

        using var svg = await browser.GetAsync("/admin/rounds/address-round/qr.svg");
        Assert.Equal(HttpStatusCode.OK, svg.StatusCode);
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
        var svgText = await svg.Content.ReadAsStringAsync();
        Assert.StartsWith("<svg", svgText.TrimStart().Replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "", StringComparison.Ordinal).TrimStart(), StringComparison.Ordinal);
        // The same code the library makes of the public address, not of the Host the request carried.
        Assert.Equal(SurveyQrCode.Svg("https://hejdigitalt.example.se/survey/address-round"), svgText);
        Assert.DoesNotContain("evil", svgText, StringComparison.Ordinal);

        using var png = await browser.GetAsync("/admin/rounds/address-round/qr.png");
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        var bytes = await png.Content.ReadAsByteArrayAsync();
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        Assert.Equal(SurveyQrCode.Png("https://hejdigitalt.example.se/survey/address-round"), bytes);
        Assert.Equal("address-round-qr.png", png.Content.Headers.ContentDisposition?.FileNameStar ?? png.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
    }

    [Theory]
    [InlineData("/admin/rounds/address-round/qr.svg")]
    [InlineData("/admin/rounds/address-round/qr.png")]
    public async Task The_QR_code_is_for_admins_only(string url)
    {
        await site.CreateAdminAsync("address-anonymous");
        using var response = await site.Browser().GetAsync(url);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_QR_code_of_a_round_that_does_not_exist_is_404()
    {
        var browser = await site.SignedInAsync("address-missing");

        using var response = await browser.GetAsync("/admin/rounds/no-such-round/qr.svg");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
