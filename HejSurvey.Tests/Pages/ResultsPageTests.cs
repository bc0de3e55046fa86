using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using HejSurvey.Web.Data;
using HejSurvey.Web.OpenResults;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Tests.Pages;

public abstract class ResultsPageTests(SiteFactory site)
{
    public sealed class OnSqlite(SiteFactory site) : ResultsPageTests(site), IClassFixture<SiteFactory>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresSiteFactory site) : ResultsPageTests(site), IClassFixture<PostgresSiteFactory>;

    /// <summary>A group's row in a statement's first table (share, mean, n) or, with <paramref name="table"/> "distribution", in its full distribution.</summary>
    private static IElement Row(IDocument page, string statementKey, string group, string table = "shares") =>
        page.QuerySelectorAll($"figure#{statementKey} table.{table} tbody tr").Single(tr => tr.QuerySelector("th")!.TextContent.Trim() == group);

    private static string Figure(IElement row, string figure) => row.QuerySelector($"td[data-figure={figure}]")!.TextContent.Trim();

    [Fact]
    public async Task Unknown_and_unpublished_rounds_are_not_found_on_every_route()
    {
        var draft = await site.CreateRoundAsync("hidden-draft", RoundState.Draft, published: true, live: true);
        var openNotLive = await site.CreateRoundAsync("hidden-open", RoundState.Open, published: true);
        var liveNotPublished = await site.CreateRoundAsync("hidden-live", RoundState.Open, published: false, live: true);
        var closedNotPublished = await site.CreateRoundAsync("hidden-closed", RoundState.Closed);
        var browser = site.Browser();

        foreach (var slug in new[] { "no-such-round", draft.Slug, openNotLive.Slug, liveNotPublished.Slug, closedNotPublished.Slug })
        {
            foreach (var url in new[] { $"/results/{slug}", $"/results/{slug}/data.csv", $"/results/{slug}/data.json", $"/results/{slug}/datapackage.json", $"/results/{slug}/datapackage.zip", $"/api/rounds/{slug}/results" })
            {
                using var response = await browser.GetAsync(url);
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{url} answered {(int)response.StatusCode}");
            }
        }
        var list = await browser.GetStringAsync("/results");
        var api = await browser.GetStringAsync("/api/rounds");
        Assert.DoesNotContain("hidden-", list, StringComparison.Ordinal);
        Assert.DoesNotContain("hidden-", api, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Withdrawing_a_publication_takes_every_cached_route_down_at_once()
    {
        var round = await site.PublishedRoundAsync("withdrawn", Enumerable.Range(0, 5).Select(_ => ResultsSite.Answer()));
        var browser = site.Browser();
        string[] urls = ["/results/withdrawn", "/results/withdrawn/data.csv", "/results/withdrawn/data.json", "/results/withdrawn/datapackage.json", "/api/rounds/withdrawn/results"];
        foreach (var url in urls)
        {
            using var response = await browser.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Unpublishing evicts the "results" tag, as the admin area does.
        await site.SetAsync(round, RoundState.Closed, published: false);

        foreach (var url in urls)
        {
            using var response = await browser.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{url} answered {(int)response.StatusCode}");
        }
        Assert.DoesNotContain("withdrawn", await browser.GetStringAsync("/api/rounds"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_open_round_shows_results_only_with_live_results_on()
    {
        var round = await site.CreateRoundAsync("live-round", RoundState.Open, published: true, live: true);
        await site.SubmitAsync(round, Enumerable.Range(0, 6).Select(_ => ResultsSite.Answer(4)));
        var browser = site.Browser();

        var page = await browser.GetPageAsync("/results/live-round");

        // No version before LiveStep (4 × 5) answers: the round as it opened, never the running count.
        Assert.Equal("0", page.QuerySelector("[data-figure=responses]")!.TextContent.Trim());
        Assert.Contains("minst 60 minuters mellanrum och först efter minst 20 nya svar", page.QuerySelector(".round-facts")!.TextContent, StringComparison.Ordinal);
        await site.SubmitAsync(round, Enumerable.Range(0, 14).Select(_ => ResultsSite.Answer(4)));
        page = await browser.GetPageAsync("/results/live-round");
        Assert.Equal("20", page.QuerySelector("[data-figure=responses]")!.TextContent.Trim());
        var list = await browser.GetPageAsync("/results");
        Assert.Contains(list.QuerySelectorAll("a"), a => a.GetAttribute("href") == "/results/live-round");
    }

    [Fact]
    public async Task The_page_shows_the_hand_computed_figures_in_the_readers_language()
    {
        await site.PublishedRoundAsync("known-figures", ResultsSite.KnownAnswers());
        var browser = site.Browser();

        var swedish = await browser.GetPageAsync("/results/known-figures");
        var everyone = Row(swedish, "lead_drive", "Alla svarande");
        // 4 of the 10 who took a stand agree; Wilson 16.8–68.7 %. Mean 3.2, t interval 2.258–4.142. Two "don't know".
        Assert.Equal("40 % 17 %–69 %", Normalise(Figure(everyone, "agree")));
        Assert.Equal("3,20 2,26–4,14", Normalise(Figure(everyone, "mean")));
        Assert.Equal("10", Figure(everyone, "n"));
        Assert.Equal("2", Figure(Row(swedish, "lead_drive", "Alla svarande", "distribution"), "dont-know"));
        Assert.Equal("12", swedish.QuerySelector("[data-figure=responses]")!.TextContent.Trim());
        // Leadership index: respondents' indices 0, 25, 25, 50, 50, 50, 75, 75, 100, 100 → 55 (31–79).
        var themeRow = swedish.QuerySelectorAll("figure#themes tbody tr").Single();
        Assert.StartsWith("55 31–79 n = 10", Normalise(themeRow.QuerySelector("td[data-theme=leadership]")!.TextContent), StringComparison.Ordinal);

        var english = await browser.GetPageAsync("/results/known-figures?culture=en");
        var all = Row(english, "lead_drive", "All respondents");
        Assert.Equal("3.20 2.26–4.14", Normalise(Figure(all, "mean")));
        Assert.Equal("40% 17%–69%", Normalise(Figure(all, "agree")));
    }

    [Fact]
    public async Task Addresses_written_for_others_to_reuse_come_from_the_public_origin_and_never_from_the_Host_header()
    {
        await using var configured = new SiteFactory();
        configured.Settings["Site:PublicOrigin"] = "https://hejdigitalt.example.se";
        await configured.PublishedRoundAsync("origin-round", ResultsSite.KnownAnswers());
        var browser = configured.Browser();
        browser.DefaultRequestHeaders.Host = "evil.example";

        var response = await browser.GetAsync("/results/origin-round");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("evil.example", html, StringComparison.Ordinal);
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        Assert.Equal("https://hejdigitalt.example.se/results/origin-round", page.QuerySelector("link[rel=canonical]")!.GetAttribute("href"));
        Assert.Contains("src=\"https://hejdigitalt.example.se/results/origin-round/embed/", page.QuerySelector("details.embed code")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Key_findings_sharing_tags_and_the_citation_come_before_the_method_text()
    {
        await site.PublishedRoundAsync("headline-round", ResultsSite.KnownAnswers());
        var browser = site.Browser();

        var page = await browser.GetPageAsync("/results/headline-round");

        // The section right after the title: responses and period, then what stands out, highest first.
        Assert.Equal("key-findings", page.QuerySelector("main h1")!.NextElementSibling!.Id);
        Assert.StartsWith("12 svar, insamlade från ", page.QuerySelector("#key-findings .period")!.TextContent, StringComparison.Ordinal);
        var findings = page.QuerySelectorAll("#key-findings .findings li").Select(li => Normalise(li.TextContent)).ToList();
        Assert.StartsWith("Flest instämmer i ”", findings[0], StringComparison.Ordinal);
        Assert.StartsWith("Minst instämmer i ”", findings[1], StringComparison.Ordinal);
        // The overview lists every statement answered, sorted by the share who agree.
        var shares = page.QuerySelectorAll("#overview td[data-figure=agree] strong").Select(s => int.Parse(s.TextContent.Split('\u00a0')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(shares.OrderByDescending(s => s), shares);
        Assert.Contains($"{shares[0]}\u00a0%", findings[0].Replace(' ', '\u00a0'), StringComparison.Ordinal);

        Assert.False(string.IsNullOrWhiteSpace(page.QuerySelector("meta[name=description]")!.GetAttribute("content")));
        Assert.Equal("Resultat: Omgång headline-round", page.QuerySelector("meta[property='og:title']")!.GetAttribute("content"));
        Assert.NotNull(page.QuerySelector("meta[property='article:published_time']"));
        Assert.EndsWith("/results/headline-round", page.QuerySelector("link[rel=canonical]")!.GetAttribute("href"), StringComparison.Ordinal);
        Assert.Contains("CC BY 4.0", page.QuerySelector("#cite")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(page.QuerySelectorAll(".data-links a"), a => a.GetAttribute("href") == "/results/headline-round/data.csv");
        // Every card has its anchor and a link to it.
        foreach (var statement in ResultsSite.Questionnaire.Statements)
        {
            Assert.NotNull(page.QuerySelector($"figure#{statement.Key} a.chart-link[href='#{statement.Key}']"));
        }

        var english = await browser.GetPageAsync("/results/headline-round?culture=en");
        Assert.StartsWith("Most agree with “", Normalise(english.QuerySelector("#key-findings .findings li")!.TextContent), StringComparison.Ordinal);

        using var unknown = await browser.GetAsync("/results/headline-round/embed/no-such-chart");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var embed = await browser.GetPageAsync("/results/headline-round/embed/themes");
        Assert.Null(embed.QuerySelector("header"));
        Assert.NotNull(embed.QuerySelector("figure#themes"));
    }

    [Fact]
    public async Task An_embed_code_frames_the_chart_as_the_page_shows_it_named_and_the_framed_overview_links_to_the_full_page()
    {
        await site.PublishedRoundAsync("embed-view", ResultsSite.KnownAnswers());
        var browser = site.Browser();
        var page = await browser.GetPageAsync("/results/embed-view?by=role&culture=en");

        var frames = page.QuerySelectorAll("details.embed code")
            .Select(code => new AngleSharp.Html.Parser.HtmlParser().ParseDocument(code.TextContent).QuerySelector("iframe")!)
            .ToList();
        Assert.Equal(2 + ResultsSite.Questionnaire.Statements.Count(), frames.Count);
        foreach (var frame in frames)
        {
            Assert.EndsWith("?by=role&culture=en", frame.GetAttribute("src"), StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(frame.GetAttribute("title")), $"{frame.GetAttribute("src")} has no title");
        }
        var first = ResultsSite.Questionnaire.Statements.First();
        Assert.Equal($"1. {first.Text.En}", frames.Single(f => f.GetAttribute("src")!.Contains($"/embed/{first.Key}?", StringComparison.Ordinal)).GetAttribute("title"));

        // The framed statement is in English with the breakdown the journalist chose.
        var framed = await browser.GetPageAsync(new Uri(frames.Single(f => f.GetAttribute("src")!.Contains($"/embed/{first.Key}?", StringComparison.Ordinal)).GetAttribute("src")!).PathAndQuery);
        Assert.Equal("en", framed.DocumentElement.GetAttribute("lang"));
        Assert.NotNull(framed.QuerySelectorAll($"figure#{first.Key} table.shares tbody th").SingleOrDefault(th => th.TextContent.Trim() == "Top management"));

        // The framed overview's statements open the full results page, not an anchor that is not in the frame.
        var overview = await browser.GetPageAsync("/results/embed-view/embed/overview?by=role&culture=en");
        var links = overview.QuerySelectorAll("figure#overview table a");
        Assert.NotEmpty(links);
        Assert.Equal(page.QuerySelectorAll("figure#overview table a").Length, links.Length);
        Assert.All(links, a =>
        {
            Assert.Matches("^https?://[^/]+/results/embed-view\\?by=role&culture=en#[a-z_]+$", a.GetAttribute("href"));
            Assert.Equal("_blank", a.GetAttribute("target"));
        });
    }

    [Fact]
    public async Task The_language_switch_works_on_a_page_reached_with_its_language_in_the_address()
    {
        await site.PublishedRoundAsync("switch-back", ResultsSite.KnownAnswers());
        var browser = site.Browser();
        var english = await browser.GetPageAsync("/results/switch-back?by=role&culture=en");
        Assert.Equal("en", english.DocumentElement.GetAttribute("lang"));

        using var switched = await browser.GetAsync(english.QuerySelector("a[hreflang=sv]")!.GetAttribute("href"));

        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/results/switch-back?by=role", switched.Headers.Location!.OriginalString);
        var swedish = await browser.GetPageAsync(switched.Headers.Location.OriginalString);
        Assert.Equal("sv", swedish.DocumentElement.GetAttribute("lang"));

        // Query keys are read whatever their case; they are dropped whatever their case too.
        using var upper = await browser.GetAsync("/language/sv?returnUrl=" + Uri.EscapeDataString("/results/switch-back?Culture=en&UI-Culture=en&by=role"));
        Assert.Equal("/results/switch-back?by=role", upper.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_clear_difference_between_groups_is_named_and_a_chance_one_is_not()
    {
        // Top management (role 1) agrees fully, everyone else disagrees: ten against ten, far beyond chance.
        var answers = Enumerable.Range(0, 10).Select(_ => ResultsSite.Answer(5, role: 1))
            .Concat(Enumerable.Range(0, 10).Select(_ => ResultsSite.Answer(1, role: 4)));
        await site.PublishedRoundAsync("clear-difference", answers);
        var browser = site.Browser();

        var page = await browser.GetPageAsync("/results/clear-difference?by=role");

        var findings = page.QuerySelectorAll("#key-findings .findings li").Select(li => Normalise(li.TextContent)).ToList();
        // 10 of 10 against 0 of 10: Newcombe's interval for +100 points is 61 to 100.
        Assert.Contains(findings, f => f.Contains("100 % instämmer bland Högsta ledningen mot 0 % bland Annan medarbetare, en skillnad på +100 procentenheter (95 % intervall +61 till +100)", StringComparison.Ordinal));
        Assert.True(findings.Count <= 2 + KeyFindings.MaxDifferences);

        // One group alone says nothing about differences.
        var alone = await browser.GetPageAsync("/results/clear-difference");
        Assert.DoesNotContain(alone.QuerySelectorAll("#key-findings .findings li"), li => li.TextContent.Contains("skillnad", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Breakdown_hides_small_groups_and_their_complement_with_a_note_never_a_zero()
    {
        await site.PublishedRoundAsync("known-breakdown", ResultsSite.KnownAnswers());
        var browser = site.Browser();

        var page = await browser.GetPageAsync("/results/known-breakdown?by=role");

        // Role 1 (3) and role 2 (4) are below 5; role 4 has no one. Only role 3 (5 people) shows.
        foreach (var hidden in new[] { "Högsta ledningen", "Chef", "Annan medarbetare" })
        {
            var cell = Row(page, "lead_drive", hidden).QuerySelector("td")!;
            Assert.Equal("true", cell.GetAttribute("data-suppressed"));
            Assert.Equal("Dold för att skydda små grupper", cell.TextContent.Trim());
            Assert.DoesNotMatch("[0-9]", cell.TextContent);
        }
        // Role 3 shows, but its lead_drive rests on 3 answers (2 said "don't know"): hidden as a cell, and with it the
        // theme and the theme's other statements in that group, never a zero.
        foreach (var statement in new[] { "lead_drive", "lead_goals" })
        {
            var cell = Row(page, statement, "Specialist eller IT-personal").QuerySelector("td")!;
            Assert.Equal("true", cell.GetAttribute("data-suppressed"));
            Assert.Equal("Dold för att skydda enskilda svar", cell.TextContent.Trim());
        }
        var shown = Row(page, "user_needs", "Specialist eller IT-personal");
        Assert.Equal("5", Figure(shown, "n"));
        Assert.Equal("0", Figure(Row(page, "user_needs", "Specialist eller IT-personal", "distribution"), "dont-know"));
        // The chart carries only the groups that are shown.
        var data = page.QuerySelector("script#user_needs-data")!.TextContent;
        Assert.Contains("Specialist eller IT", data, StringComparison.Ordinal);
        Assert.DoesNotContain("Chef", data, StringComparison.Ordinal);
        Assert.DoesNotContain("Specialist eller IT", page.QuerySelector("script#lead_drive-data")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_breakdown_form_works_without_javascript()
    {
        await site.PublishedRoundAsync("form-round", Enumerable.Range(0, 5).Select(_ => ResultsSite.Answer()));
        var browser = site.Browser();

        var page = await browser.GetPageAsync("/results/form-round");

        var form = page.QuerySelector<IHtmlFormElement>("form.results-filter")!;
        Assert.Equal("get", form.Method, ignoreCase: true);
        Assert.Equal("/results/form-round", form.GetAttribute("action"));
        var by = form.QuerySelector<IHtmlSelectElement>("select[name=by]")!;
        Assert.Equal(["", "orgtype", "role", "size"], by.Options.Select(o => o.Value));
        Assert.NotNull(page.QuerySelector("label[for=by]"));

        var broken = await browser.GetPageAsync("/results/form-round?by=size");
        Assert.Equal("size", broken.QuerySelector<IHtmlSelectElement>("select[name=by]")!.Value);
        Assert.Equal(5, broken.QuerySelectorAll("figure#lead_drive table.shares tbody tr").Length);
        using var unknown = await browser.GetAsync("/results/form-round?by=shoe-size");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    [Fact]
    public async Task Another_published_round_of_the_same_questionnaire_can_be_compared()
    {
        await site.PublishedRoundAsync("compare-a", Enumerable.Range(0, 5).Select(_ => ResultsSite.Answer(5)));
        await site.PublishedRoundAsync("compare-b", Enumerable.Range(0, 8).Select(_ => ResultsSite.Answer(2)));
        var unpublished = await site.CreateRoundAsync("compare-secret", RoundState.Closed);
        var browser = site.Browser();

        var page = await browser.GetPageAsync("/results/compare-a?compare=compare-b");

        var now = Row(page, "risk_try", "Omgång compare-a · Alla svarande");
        Assert.StartsWith("100 % ", Normalise(Figure(now, "agree")), StringComparison.Ordinal);
        Assert.Equal("Omgång compare-a: Alla svarande", now.QuerySelector("th abbr")!.GetAttribute("title"));
        Assert.StartsWith("0 % ", Normalise(Figure(Row(page, "risk_try", "Omgång compare-b · Alla svarande"), "agree")), StringComparison.Ordinal);
        // 5 of 5 against 0 of 8: +100 percentage points, Newcombe's interval well clear of zero, so marked.
        Assert.StartsWith("+100* ", Normalise(Figure(now, "change")), StringComparison.Ordinal);
        Assert.Equal("true", now.QuerySelector("td[data-figure=change]")!.GetAttribute("data-clear"));
        Assert.Contains(page.QuerySelectorAll(".findings li"), li => li.TextContent.Contains("en förändring på +100 procentenheter", StringComparison.Ordinal));
        Assert.Contains(page.QuerySelectorAll("select[name=compare] option"), o => o.GetAttribute("value") == "compare-b");
        Assert.DoesNotContain(page.QuerySelectorAll("select[name=compare] option"), o => o.GetAttribute("value") == unpublished.Slug);

        var secret = await browser.GetPageAsync($"/results/compare-a?compare={unpublished.Slug}");
        Assert.Single(secret.QuerySelectorAll("figure#risk_try table.shares tbody tr"));
        Assert.NotNull(secret.QuerySelector("p.notice"));
    }

    [Fact]
    public async Task No_chart_card_holds_a_form_field_and_each_embed_snippet_is_text_to_copy()
    {
        await site.PublishedRoundAsync("no-fields", Enumerable.Range(0, 5).Select(_ => ResultsSite.Answer(4)));
        var page = await site.Browser().GetPageAsync("/results/no-fields");

        // Chromium lays the page out again after load for every closed card that holds a form field; with one per
        // chart that was most of the page's blocking time on a phone. The filter above the cards is the page's only form.
        Assert.Empty(page.QuerySelectorAll(".result input, .result textarea, .result select, details input, details textarea, details select"));
        var snippets = page.QuerySelectorAll("details.embed pre code");
        Assert.Equal(2 + ResultsSite.Questionnaire.Statements.Count(), snippets.Length);
        Assert.All(snippets, code =>
        {
            Assert.StartsWith("<iframe src=\"", code.TextContent, StringComparison.Ordinal);
            var button = page.QuerySelector($"button[data-copy-snippet='{code.Id}']");
            Assert.NotNull(button);
            Assert.True(button.HasAttribute("hidden"), "without JavaScript there is nothing to press");
            Assert.NotNull(page.GetElementById(code.Id + "-status"));
        });
    }

    [Fact]
    public async Task Charts_have_a_text_alternative_and_the_page_has_no_inline_script_or_style()
    {
        await site.PublishedRoundAsync("accessible", Enumerable.Range(0, 5).Select(_ => ResultsSite.Answer(4)));
        var browser = site.Browser();
        using var response = await browser.GetAsync("/results/accessible");
        var page = await HtmlForm.ParseAsync(response);

        var canvases = page.QuerySelectorAll("canvas");
        // The overview of every statement, the theme indices and one chart per statement.
        Assert.Equal(2 + ResultsSite.Questionnaire.Statements.Count(), canvases.Length);
        Assert.All(canvases, canvas =>
        {
            Assert.Equal("img", canvas.GetAttribute("role"));
            Assert.False(string.IsNullOrWhiteSpace(canvas.GetAttribute("aria-label")));
            Assert.NotNull(page.GetElementById(canvas.GetAttribute("data-chart")!));
        });
        Assert.All(page.QuerySelectorAll("script"), script =>
            Assert.True(script.HasAttribute("src") || script.GetAttribute("type") == "application/json", script.OuterHtml));
        Assert.Empty(page.QuerySelectorAll("[style]"));
        // Chart.js is the site's own copy, fetched by the results script once the page is parsed.
        Assert.Contains(page.QuerySelectorAll("script[src]"), s => s.GetAttribute("data-chart-js") == "/lib/chart.js/dist/chart.umd.min.js");
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        using var chartJs = await browser.GetAsync("/lib/chart.js/dist/chart.umd.min.js");
        Assert.Equal(HttpStatusCode.OK, chartJs.StatusCode);
    }

    [Fact]
    public async Task The_page_is_served_from_cache_until_answers_to_a_round_with_live_results_are_committed()
    {
        var round = await site.CreateRoundAsync("cached-round", RoundState.Open, published: true, live: true);
        await site.SubmitAsync(round, Enumerable.Range(0, 5).Select(_ => ResultsSite.Answer(4)));
        var browser = site.Browser();
        // Fewer than LiveStep answers: no version yet, the round as it opened is shown.
        Assert.Equal("0", (await browser.GetPageAsync("/results/cached-round")).QuerySelector("[data-figure=responses]")!.TextContent.Trim());

        // A change behind the site's back is not seen: the page comes from the cache, not from the database.
        await using (var db = site.Db())
        {
            await db.Rounds.Where(r => r.Id == round.Id).ExecuteUpdateAsync(set => set.SetProperty(r => r.ResponseCount, 999));
        }
        Assert.Equal("0", (await browser.GetPageAsync("/results/cached-round")).QuerySelector("[data-figure=responses]")!.TextContent.Trim());

        // Answers to an open round whose results are not shown change no results page, and leave the cache alone.
        var quiet = await site.CreateRoundAsync("cached-quiet", RoundState.Open, published: true);
        await site.SubmitAsync(quiet, [ResultsSite.Answer(4)]);
        Assert.Equal("0", (await browser.GetPageAsync("/results/cached-round")).QuerySelector("[data-figure=responses]")!.TextContent.Trim());

        // A committed answer to a round with live results evicts the cached results: with 1,000 counted, a first
        // version is due and shown.
        await site.SubmitAsync(round, [ResultsSite.Answer(4)]);
        var shown = (await browser.GetPageAsync("/results/cached-round")).QuerySelector("[data-figure=responses]")!.TextContent;
        Assert.Equal("1000", string.Concat(shown.Where(char.IsDigit)));
    }

    [Fact]
    public async Task A_reader_who_chose_english_by_cookie_gets_english_even_when_swedish_is_cached()
    {
        await site.PublishedRoundAsync("cookie-culture", Enumerable.Range(0, 5).Select(_ => ResultsSite.Answer()));
        var swedish = site.Browser();
        Assert.Equal("Resultat: Omgång cookie-culture", (await swedish.GetPageAsync("/results/cookie-culture")).QuerySelector("h1")!.TextContent);

        var english = site.Browser();
        using (await english.GetAsync("/language/en?returnUrl=%2F")) { }
        Assert.Equal("Results: Round cookie-culture", (await english.GetPageAsync("/results/cookie-culture")).QuerySelector("h1")!.TextContent);
        Assert.Equal("Resultat: Omgång cookie-culture", (await swedish.GetPageAsync("/results/cookie-culture")).QuerySelector("h1")!.TextContent);
    }

    private static string Normalise(string text) =>
        string.Join(' ', text.Replace('\u00a0', ' ').Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
}
