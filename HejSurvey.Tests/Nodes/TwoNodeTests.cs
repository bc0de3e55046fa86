using System.Diagnostics;
using System.Net;
using System.Text.Json;
using HejSurvey.Tests.Faults;
using HejSurvey.Tests.Pages;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace HejSurvey.Tests.Nodes;

/// <summary>
/// Two real site processes on one PostgreSQL database behind a load balancer that sends each request wherever the test
/// says: nothing a respondent, a reader or an admin sees depends on which node a request reaches.
/// </summary>
[Trait("Category", "PostgreSQL")]
public sealed class TwoNodeTests(WebNodes nodes, ITestOutputHelper output) : IClassFixture<WebNodes>
{
    /// <summary>Another node serves the new state within this long of a commit (the issue's promise).</summary>
    private static readonly TimeSpan Promise = TimeSpan.FromSeconds(1);

    private ServerProcess A => nodes.A;
    private ServerProcess B => nodes.B;

    [PostgresFact]
    public async Task A_form_fetched_from_one_node_is_accepted_by_the_other_and_counted_once()
    {
        var round = await nodes.CreateRoundAsync("nodes-form");
        using var first = new NodeBrowser("192.0.2.1");
        using var second = new NodeBrowser("192.0.2.2");

        var (form, sent) = await AnswerAsync(first, from: A, to: B, round.Slug);
        var (_, otherWay) = await AnswerAsync(second, from: B, to: A, round.Slug);

        AssertThanked(sent, round.Slug);
        AssertThanked(otherWay, round.Slug);
        // The same form again, on the node it came from: the idempotency key holds across nodes, so it is thanked and not stored twice.
        using (var again = await first.To(A).PostFormAsync($"/survey/{round.Slug}", form.Concat(SurveyJourneyTests.CompleteAnswers())))
        {
            AssertThanked(again, round.Slug);
        }
        using (var thanks = await first.To(A).GetAsync($"/survey/{round.Slug}/thanks"))
        {
            Assert.Equal(HttpStatusCode.OK, thanks.StatusCode);
        }
        // The browser's respondent cookie crosses too: on either node it has answered.
        foreach (var node in new[] { A, B })
        {
            var page = await first.To(node).GetPageAsync($"/survey/{round.Slug}");
            Assert.Contains("Du har redan svarat på den här enkäten", page.Body!.TextContent, StringComparison.Ordinal);
        }
        await using var db = nodes.Db();
        var stored = await db.Responses.AsNoTracking().Where(r => r.RoundId == round.Id).Select(r => r.IdempotencyKey).ToListAsync();
        Assert.Equal(2, stored.Count);
        Assert.Contains(Guid.Parse(form[SurveyForm.IdempotencyField]), stored);
        Assert.Equal(2, (await db.Rounds.SingleAsync(r => r.Id == round.Id)).ResponseCount);
    }

    [PostgresFact]
    public async Task An_admin_signed_in_on_one_node_works_on_the_other_and_a_sign_out_ends_the_session_on_both()
    {
        await nodes.CreateAdminAsync("nodes-ada");
        var round = await nodes.CreateRoundAsync("nodes-admin");
        using var admin = new NodeBrowser("192.0.2.10");
        using (var login = await admin.To(A).LoginAsync("nodes-ada", AdminSiteFactory.Password))
        {
            Assert.Equal("/admin", login.Headers.Location?.OriginalString);
        }

        using (var dashboard = await admin.To(B).GetAsync("/admin"))
        {
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        }
        // A change posted to B with the round page (and its antiforgery token) of A; its message comes back on A.
        var roundPage = await admin.To(A).GetPageAsync($"/admin/rounds/{round.Slug}");
        var token = roundPage.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using (var target = await admin.To(B).PostFormAsync($"/admin/rounds/{round.Slug}?handler=target", [new("Target", "250"), new("__RequestVerificationToken", token)]))
        {
            Assert.Equal(HttpStatusCode.Redirect, target.StatusCode);
            var back = await admin.To(A).GetPageAsync(target.Headers.Location!.OriginalString);
            Assert.Contains("Målet är 250 svar.", back.Body!.TextContent, StringComparison.Ordinal);
        }
        using (var file = await admin.To(B).GetAsync($"/admin/rounds/{round.Slug}/responses.csv"))
        {
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        }
        await using (var db = nodes.Db())
        {
            Assert.Equal(250, (await db.Rounds.SingleAsync(r => r.Id == round.Id)).ResponseTarget);
        }

        // A copy of the cookie, as someone who saw it would keep it, then the sign-out on A.
        using var copy = new NodeBrowser("192.0.2.11");
        copy.Cookies.Add(admin.Cookies.GetCookies(new Uri(NodeBrowser.PublicAddress, "/admin")));
        var page = await admin.To(B).GetPageAsync("/admin");
        using (var logout = await admin.To(A).PostFormAsync("/admin/logout", HtmlForm.HiddenFields(page, "form[action='/admin/logout']")))
        {
            Assert.Equal("/admin/login", logout.Headers.Location?.OriginalString);
        }

        using (var there = await copy.To(B).GetAsync("/admin"))
        {
            Assert.Equal(HttpStatusCode.Redirect, there.StatusCode);
            Assert.Equal("/admin/login?ReturnUrl=%2Fadmin", there.Headers.Location?.OriginalString);
        }
        using (var file = await copy.To(B).GetAsync($"/admin/rounds/{round.Slug}/responses.csv"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, file.StatusCode);
        }
        await using (var db = nodes.Db())
        {
            var audit = await db.AuditEntries.AsNoTracking().Where(e => e.Admin == "nodes-ada").OrderBy(e => e.Id).Select(e => e.Action).ToListAsync();
            Assert.Equal([AuditAction.Login, AuditAction.RoundTarget, AuditAction.Download, AuditAction.Logout], audit);
        }
    }

    [PostgresFact]
    public async Task A_close_on_one_node_makes_the_other_refuse_the_next_submission_with_the_closed_page()
    {
        await nodes.CreateAdminAsync("nodes-bo");
        var round = await nodes.CreateRoundAsync("nodes-close");
        using var admin = await SignedInAsync("nodes-bo", A);
        using var respondent = new NodeBrowser("192.0.2.20");
        // The respondent has the form from B, and B has the round in its short-lived copy.
        var form = HtmlForm.HiddenFields(await respondent.To(B).GetPageAsync($"/survey/{round.Slug}"));

        using (var close = await admin.To(A).ChangeRoundAsync(round.Slug, "close", ("confirmed", "true")))
        {
            Assert.Equal(HttpStatusCode.Redirect, close.StatusCode);
        }
        using var refused = await respondent.To(B).PostFormAsync($"/survey/{round.Slug}", form.Concat(SurveyJourneyTests.CompleteAnswers()));

        Assert.Equal(HttpStatusCode.Gone, refused.StatusCode);
        var text = await refused.Content.ReadAsStringAsync();
        Assert.Contains("Enkäten är stängd och tar inte emot fler svar.", text, StringComparison.Ordinal);
        Assert.Contains("Svaren du just skickade har inte sparats", text, StringComparison.Ordinal);
        await using var db = nodes.Db();
        Assert.False(await db.Responses.AnyAsync(r => r.RoundId == round.Id));
        Assert.Equal(RoundState.Closed, (await db.Rounds.SingleAsync(r => r.Id == round.Id)).State);
    }

    [PostgresFact]
    public async Task Live_and_final_results_read_the_same_on_both_nodes_within_a_second_of_a_commit()
    {
        await nodes.CreateAdminAsync("nodes-cy");
        var round = await nodes.CreateRoundAsync("nodes-live", published: true, live: true);
        // Survey:LiveStep is 4 × k = 20: a new version after every 20 answers (the nodes have no interval).
        const int Step = 20;
        await AnswerManyAsync(round.Slug, Step);
        await SameOnBothAsync(round.Slug, results => Responses(results) == Step, Stopwatch.StartNew(), TimeSpan.FromSeconds(10));

        // Answers short of the next step: no new version on either node, though each commit empties both caches.
        await AnswerManyAsync(round.Slug, Step - 1);
        Assert.Equal(Step, Responses(await SameOnBothAsync(round.Slug, _ => true, Stopwatch.StartNew(), TimeSpan.FromSeconds(10))));

        // The answer that completes the step, through A: B, which holds the last version in its cache, shows the new one.
        var clock = Stopwatch.StartNew();
        using (var respondent = new NodeBrowser("192.0.2.30"))
        {
            var (_, sent) = await AnswerAsync(respondent, from: A, to: A, round.Slug);
            AssertThanked(sent, round.Slug);
        }
        await SameOnBothAsync(round.Slug, results => Responses(results) == 2 * Step, clock, Promise, "the new live version, from the answer sent");

        // The close, on A: the final results on both.
        using var admin = await SignedInAsync("nodes-cy", A);
        var roundPage = await admin.To(A).GetPageAsync($"/admin/rounds/{round.Slug}");
        var token = roundPage.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        clock.Restart();
        using (var close = await admin.To(A).PostFormAsync($"/admin/rounds/{round.Slug}?handler=close", [new("confirmed", "true"), new("__RequestVerificationToken", token)]))
        {
            Assert.Equal(HttpStatusCode.Redirect, close.StatusCode);
        }
        var final = await SameOnBothAsync(round.Slug, results => State(results) == "closed", clock, Promise, "the final results, from the close sent");
        Assert.Equal(2 * Step, Responses(final));
    }

    [PostgresFact]
    public async Task A_scheduled_close_and_opening_happen_once_across_both_nodes_and_both_show_them()
    {
        var at = DateTime.UtcNow.AddSeconds(2);
        var closing = new List<Round>();
        for (var i = 0; i < 4; i++)
        {
            closing.Add(await nodes.CreateRoundAsync($"nodes-scheduled-close-{i}", published: true, live: true, closesAt: at));
        }
        var opening = new List<Round>();
        for (var i = 0; i < 2; i++)
        {
            opening.Add(await nodes.CreateRoundAsync($"nodes-scheduled-open-{i}", RoundState.Draft, opensAt: at));
        }

        await EventuallyAsync(async () =>
        {
            await using var db = nodes.Db();
            return await db.Rounds.CountAsync(r => r.Slug.StartsWith("nodes-scheduled-close-") && r.State == RoundState.Closed) == closing.Count
                && await db.Rounds.CountAsync(r => r.Slug.StartsWith("nodes-scheduled-open-") && r.State == RoundState.Open) == opening.Count;
        }, TimeSpan.FromSeconds(20));
        // Both nodes' round closers (every second) have since looked again, at least twice each.
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        await using var check = nodes.Db();
        var audit = await check.AuditEntries.AsNoTracking().Where(e => e.Admin == AuditLog.System && e.Detail != null && e.Detail.StartsWith("nodes-scheduled-")).Select(e => new { e.Action, e.Detail }).ToListAsync();
        Assert.Equal(closing.Count + opening.Count, audit.Count);
        using var reader = new NodeBrowser("192.0.2.40");
        foreach (var round in closing)
        {
            Assert.Single(audit, e => e.Action == AuditAction.RoundClosed && e.Detail == $"{round.Slug}: the close time has passed");
            var stored = await check.Rounds.AsNoTracking().SingleAsync(r => r.Id == round.Id);
            Assert.Equal(RoundState.Closed, stored.State);
            Assert.Equal(at, stored.ClosedAt!.Value, TimeSpan.FromMilliseconds(1));
            foreach (var node in new[] { A, B })
            {
                using var form = await reader.To(node).GetAsync($"/survey/{round.Slug}");
                Assert.Equal(HttpStatusCode.Gone, form.StatusCode);
            }
            Assert.Equal("closed", State(await SameOnBothAsync(round.Slug, _ => true, Stopwatch.StartNew(), TimeSpan.FromSeconds(5))));
        }
        foreach (var round in opening)
        {
            Assert.Single(audit, e => e.Action == AuditAction.RoundOpened && e.Detail == $"{round.Slug}: the opening time has come");
            foreach (var node in new[] { A, B })
            {
                using var form = await reader.To(node).GetAsync($"/survey/{round.Slug}");
                Assert.Equal(HttpStatusCode.OK, form.StatusCode);
            }
        }
    }

    /// <summary>Fetches the form from one node and posts it, answered completely, to the other (or the same).</summary>
    internal static async Task<(Dictionary<string, string> Form, HttpResponseMessage Response)> AnswerAsync(NodeBrowser browser, ServerProcess from, ServerProcess to, string slug)
    {
        var form = HtmlForm.HiddenFields(await browser.To(from).GetPageAsync($"/survey/{slug}"));
        var response = await browser.To(to).PostFormAsync($"/survey/{slug}", form.Concat(SurveyJourneyTests.CompleteAnswers()));
        return (form, response);
    }

    private static void AssertThanked(HttpResponseMessage response, string slug)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/survey/{slug}/thanks", response.Headers.Location?.OriginalString);
    }

    /// <summary>That many respondents, each with a browser of its own, their forms from one node and posts to the other in turn.</summary>
    private async Task AnswerManyAsync(string slug, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var respondent = new NodeBrowser($"198.51.100.{(i % 250) + 1}");
            var (_, sent) = i % 2 == 0 ? await AnswerAsync(respondent, A, B, slug) : await AnswerAsync(respondent, B, A, slug);
            using (sent)
            {
                AssertThanked(sent, slug);
            }
        }
    }

    private static async Task<NodeBrowser> SignedInAsync(string name, ServerProcess node)
    {
        var admin = new NodeBrowser("192.0.2.50");
        using var login = await admin.To(node).LoginAsync(name, AdminSiteFactory.Password);
        Assert.Equal("/admin", login.Headers.Location?.OriginalString);
        return admin;
    }

    /// <summary>
    /// The round's published results as each node serves them (the API document and the results page), read until
    /// they are the same on both and <paramref name="wanted"/> holds; the document. The reads that first show it must
    /// have been sent before <paramref name="clock"/> showed <paramref name="within"/>: on a busy machine a read may
    /// take a while to be answered, and what a node serves from the moment a request reaches it is what is promised.
    /// </summary>
    private async Task<JsonElement> SameOnBothAsync(string slug, Func<JsonElement, bool> wanted, Stopwatch clock, TimeSpan within, string? what = null)
    {
        using var reader = new NodeBrowser("192.0.2.60");
        while (true)
        {
            var sent = clock.Elapsed;
            Assert.True(sent < within, $"not so within {within}");
            var both = await Task.WhenAll(ResultsAsync(reader, A, slug), ResultsAsync(reader, B, slug));
            var (a, b) = (both[0], both[1]);
            using var document = JsonDocument.Parse(a.Document);
            var results = document.RootElement.Clone();
            if (a == b && wanted(results))
            {
                if (what is not null)
                {
                    output.WriteLine($"{what}: the same on both nodes in the reads sent {sent.TotalMilliseconds:F0} ms after, answered {clock.Elapsed.TotalMilliseconds:F0} ms after");
                }
                return results;
            }
            output.WriteLine($"{sent.TotalMilliseconds:F0} ms: A shows {Summary(a.Document)}, B shows {Summary(b.Document)}, the pages are {(a.Page == b.Page ? "the same" : "different")}");
            await Task.Delay(20);
        }
    }

    private static async Task<(string Document, string Page)> ResultsAsync(NodeBrowser reader, ServerProcess node, string slug)
    {
        var client = reader.To(node);
        var document = client.GetStringAsync($"/api/rounds/{slug}/results");
        var page = client.GetStringAsync($"/results/{slug}");
        return (await document, await page);
    }

    private static int Responses(JsonElement results) => results.GetProperty("round").GetProperty("responses").GetInt32();

    private static string State(JsonElement results) => results.GetProperty("round").GetProperty("state").GetString()!;

    private static string Summary(string document)
    {
        using var parsed = JsonDocument.Parse(document);
        return $"{State(parsed.RootElement)} with {Responses(parsed.RootElement)} responses";
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < within, $"not so within {within}");
            await Task.Delay(100);
        }
    }
}
