using System.Linq.Expressions;
using HejSurvey.Web.Data;
using HejSurvey.Web.Site;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.Options;

namespace HejSurvey.Web.Admin;

/// <summary>
/// Closes open rounds whose close time has passed, so that a round nobody answers any more closes too (the response
/// writer closes a round the moment a late submission arrives; this is the clock-driven half), and opens drafts whose
/// opening time has come, in the same check.
/// </summary>
public sealed class RoundCloser(IServiceScopeFactory scopes, SiteChanges changes, TimeProvider clock, IOptions<AdminOptions> options, ILogger<RoundCloser> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.CloseCheckSeconds)), clock);
        do
        {
            try
            {
                await OpenDueRoundsAsync(stoppingToken);
                await CloseDueRoundsAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Could not close the rounds whose close time has passed; trying again at the next check.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>
    /// Opens every draft whose opening time has come (and whose close time, if any, has not); returns how many it opened.
    /// The round counts as opened at its opening time, as a closed round counts as closed at its close time.
    /// </summary>
    public Task<int> OpenDueRoundsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return ChangeDueRoundsAsync(now,
            r => r.State == RoundState.Draft && r.OpensAt != null && r.OpensAt <= now && (r.ClosesAt == null || r.ClosesAt > now),
            RoundState.Draft,
            s => s.SetProperty(r => r.State, RoundState.Open).SetProperty(r => r.OpenedAt, r => r.OpensAt),
            AuditAction.RoundOpened, "the opening time has come", cancellationToken);
    }

    /// <summary>Closes every open round whose close time has passed; returns how many it closed.</summary>
    public Task<int> CloseDueRoundsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return ChangeDueRoundsAsync(now,
            r => r.State == RoundState.Open && r.ClosesAt != null && r.ClosesAt <= now,
            RoundState.Open,
            s => s.SetProperty(r => r.State, RoundState.Closed).SetProperty(r => r.ClosedAt, r => r.ClosesAt),
            AuditAction.RoundClosed, "the close time has passed", cancellationToken);
    }

    /// <summary>
    /// Moves every due round on from <paramref name="from"/>, each in its own transaction with one audit entry. The state
    /// condition in the update makes this safe against an admin (or, for a close, the response writer) doing it first, and
    /// against the round closer of another web node doing it at the same moment: both may find the round due, but the
    /// second update waits for the first one's commit (SQLite's single writer, PostgreSQL's row lock, after which it reads
    /// the committed state again) and then matches no row, so only the first writes an audit entry and tells the nodes.
    /// </summary>
    private async Task<int> ChangeDueRoundsAsync(
        DateTime now,
        Expression<Func<Round, bool>> isDue,
        RoundState from,
        Action<UpdateSettersBuilder<Round>> change,
        string action,
        string reason,
        CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDb>();
        var due = await db.Rounds.AsNoTracking().Where(isDue).Select(r => new { r.Id, r.Slug }).ToListAsync(cancellationToken);
        var changed = 0;
        foreach (var round in due)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var moved = await db.Rounds.Where(r => r.Id == round.Id && r.State == from).ExecuteUpdateAsync(change, cancellationToken) == 1;
            if (moved)
            {
                db.Audit(now, AuditLog.System, action, $"{round.Slug}: {reason}");
                await db.SaveChangesAsync(cancellationToken);
                changed++;
            }
            await transaction.CommitAsync(cancellationToken);
            if (moved)
            {
                await changes.RoundChangedAsync(round.Slug);
            }
        }
        return changed;
    }
}
