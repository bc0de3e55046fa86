using HejSurvey.Web.Data;
using HejSurvey.Web.OpenResults;
using HejSurvey.Web.Survey;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HejSurvey.Web.Admin;

/// <summary>
/// Closes open rounds whose close time has passed, so that a round nobody answers any more closes too (the response
/// writer closes a round the moment a late submission arrives; this is the clock-driven half), and opens drafts whose
/// opening time has come, in the same check.
/// </summary>
public sealed class RoundCloser(IServiceScopeFactory scopes, RoundCache rounds, IOutputCacheStore cache, TimeProvider clock, IOptions<AdminOptions> options, ILogger<RoundCloser> logger) : BackgroundService
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
    public async Task<int> OpenDueRoundsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDb>();
        var due = await db.Rounds.AsNoTracking()
            .Where(r => r.State == RoundState.Draft && r.OpensAt != null && r.OpensAt <= now && (r.ClosesAt == null || r.ClosesAt > now))
            .Select(r => new { r.Id, r.Slug })
            .ToListAsync(cancellationToken);
        var opened = 0;
        foreach (var round in due)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // The state condition makes this safe against an admin opening it by hand at the same moment.
            var changed = await db.Rounds
                .Where(r => r.Id == round.Id && r.State == RoundState.Draft)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, RoundState.Open).SetProperty(r => r.OpenedAt, r => r.OpensAt), cancellationToken);
            if (changed == 1)
            {
                db.Audit(now, AuditLog.System, AuditAction.RoundOpened, $"{round.Slug}: the opening time has come");
                await db.SaveChangesAsync(cancellationToken);
                opened++;
            }
            await transaction.CommitAsync(cancellationToken);
            rounds.Forget(round.Slug);
        }
        if (opened > 0)
        {
            await cache.EvictByTagAsync(ResultsSetup.CacheTag, cancellationToken);
        }
        return opened;
    }

    /// <summary>Closes every open round whose close time has passed; returns how many it closed.</summary>
    public async Task<int> CloseDueRoundsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDb>();
        var due = await db.Rounds.AsNoTracking()
            .Where(r => r.State == RoundState.Open && r.ClosesAt != null && r.ClosesAt <= now)
            .Select(r => new { r.Id, r.Slug })
            .ToListAsync(cancellationToken);
        var closed = 0;
        foreach (var round in due)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // The state condition makes this safe against an admin or the response writer closing it first.
            var changed = await db.Rounds
                .Where(r => r.Id == round.Id && r.State == RoundState.Open)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, RoundState.Closed).SetProperty(r => r.ClosedAt, r => r.ClosesAt), cancellationToken);
            if (changed == 1)
            {
                db.Audit(now, AuditLog.System, AuditAction.RoundClosed, $"{round.Slug}: the close time has passed");
                await db.SaveChangesAsync(cancellationToken);
                closed++;
            }
            await transaction.CommitAsync(cancellationToken);
        }
        if (closed > 0)
        {
            await cache.EvictByTagAsync(ResultsSetup.CacheTag, cancellationToken);
        }
        return closed;
    }
}
