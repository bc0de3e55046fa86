using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HejSurvey.Tests.Nodes;

/// <summary>
/// Every web node runs the round closer. Two sites on one database (each with its own services, connections and round
/// closer, as two processes have) open and close the same due rounds at the same moment: each round moves once, with
/// one audit entry.
/// </summary>
public sealed class ScheduledChangeRaceTests : IAsyncLifetime
{
    private const int Rounds = 24;

    private readonly SiteFactory a = Quiet(new SiteFactory());
    private readonly SiteFactory b;

    public ScheduledChangeRaceTests()
    {
        b = Quiet(new SiteFactory());
        b.Settings["ConnectionStrings:Survey"] = a.ConnectionString;
    }

    /// <summary>The closers' own clock-driven checks stay out of the way: the test runs the checks itself.</summary>
    private static SiteFactory Quiet(SiteFactory site)
    {
        site.Settings["Admin:CloseCheckSeconds"] = "3600";
        return site;
    }

    public Task InitializeAsync()
    {
        _ = a.Services;
        _ = b.Services;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        b.Dispose();
        a.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Two_round_closers_racing_close_each_due_round_once_with_one_audit_entry()
    {
        for (var i = 0; i < Rounds; i++)
        {
            await a.CreateRoundAsync($"race-close-{i}", closesAt: DateTime.UtcNow.AddMinutes(-1));
        }

        var closed = await Task.WhenAll(Closers().Select(closer => Task.Run(() => closer.CloseDueRoundsAsync(CancellationToken.None))));

        Assert.Equal(Rounds, closed.Sum());
        await AssertMovedOnceAsync("race-close-", RoundState.Closed, AuditAction.RoundClosed, "the close time has passed");
    }

    [Fact]
    public async Task Two_round_closers_racing_open_each_due_draft_once_with_one_audit_entry()
    {
        for (var i = 0; i < Rounds; i++)
        {
            await a.CreateRoundAsync($"race-open-{i}", RoundState.Draft);
        }
        await using (var db = a.Db())
        {
            await db.Rounds.Where(r => r.Slug.StartsWith("race-open-")).ExecuteUpdateAsync(s => s.SetProperty(r => r.OpensAt, DateTime.UtcNow.AddMinutes(-1)));
        }

        var opened = await Task.WhenAll(Closers().Select(closer => Task.Run(() => closer.OpenDueRoundsAsync(CancellationToken.None))));

        Assert.Equal(Rounds, opened.Sum());
        await AssertMovedOnceAsync("race-open-", RoundState.Open, AuditAction.RoundOpened, "the opening time has come");
    }

    private IEnumerable<RoundCloser> Closers() => [a.Services.GetRequiredService<RoundCloser>(), b.Services.GetRequiredService<RoundCloser>()];

    private async Task AssertMovedOnceAsync(string prefix, RoundState state, string action, string reason)
    {
        await using var db = a.Db();
        var rounds = await db.Rounds.AsNoTracking().Where(r => r.Slug.StartsWith(prefix)).Select(r => new { r.Slug, r.State }).ToListAsync();
        var audit = await db.AuditEntries.AsNoTracking().Where(e => e.Admin == AuditLog.System && e.Action == action).Select(e => e.Detail).ToListAsync();
        Assert.Equal(Rounds, rounds.Count);
        Assert.All(rounds, round =>
        {
            Assert.Equal(state, round.State);
            Assert.Single(audit, detail => detail == $"{round.Slug}: {reason}");
        });
    }
}
