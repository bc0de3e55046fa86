using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using HejSurvey.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Web.Admin;

/// <summary>
/// Sessions the server knows about. A signed cookie alone is not enough: it names a session, and every request under
/// /admin is refused unless that session is in the database, not ended and not past its absolute end. So signing out,
/// a new password and "sign out everywhere" end a session for every copy of its cookie, on every web node.
/// </summary>
public static class AdminSessions
{
    /// <summary>The claim in the cookie that holds the session id (the database has only its hash).</summary>
    public const string SessionClaim = "hejsurvey:session";

    /// <summary>
    /// Last use is written at most this often per session: the sessions page shows it to the minute, and an admin
    /// clicking through pages should not turn every read into a write.
    /// </summary>
    public static readonly TimeSpan LastUsedPrecision = TimeSpan.FromMinutes(1);

    /// <summary>Starts a session (stored with the caller's next SaveChanges) and returns the claims for its cookie.</summary>
    public static ClaimsPrincipal Start(SurveyDb db, AdminUser admin, DateTime now, TimeSpan lifetime)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        db.AdminSessions.Add(new AdminSession
        {
            AdminUserId = admin.Id,
            IdHash = Hash(id),
            StartedAt = now,
            LastUsedAt = now,
            ExpiresAt = now + lifetime,
        });
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, admin.Name), new Claim(SessionClaim, id)],
            CookieAuthenticationDefaults.AuthenticationScheme);
        return new ClaimsPrincipal(identity);
    }

    public static string Hash(string id) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));

    /// <summary>The hash of the signed-in admin's current session, or null.</summary>
    public static string? CurrentHash(this ClaimsPrincipal user) => user.FindFirstValue(SessionClaim) is { } id ? Hash(id) : null;

    /// <summary>Ends one session; returns whether it was still open.</summary>
    public static async Task<bool> EndAsync(SurveyDb db, string idHash, DateTime now, CancellationToken cancellationToken) =>
        await db.AdminSessions.Where(s => s.IdHash == idHash && s.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now), cancellationToken) > 0;

    /// <summary>Ends every open session of the admin; returns how many there were.</summary>
    public static Task<int> EndAllAsync(SurveyDb db, int adminId, DateTime now, CancellationToken cancellationToken) =>
        db.AdminSessions.Where(s => s.AdminUserId == adminId && s.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now), cancellationToken);

    /// <summary>
    /// CookieAuthenticationEvents.OnValidatePrincipal: refuses a cookie whose session is unknown, ended or past its
    /// end (pages then redirect to the login, files answer 401) and notes the last use.
    /// </summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var hash = context.Principal?.CurrentHash();
        if (hash is null)
        {
            await RefuseAsync(context);
            return;
        }
        var db = services.GetRequiredService<SurveyDb>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var session = await db.AdminSessions.AsNoTracking()
            .Where(s => s.IdHash == hash)
            .Join(db.AdminUsers, s => s.AdminUserId, a => a.Id, (s, a) => new { s.Id, s.StartedAt, s.ExpiresAt, s.EndedAt, s.LastUsedAt, a.Name })
            .SingleOrDefaultAsync(context.HttpContext.RequestAborted);
        if (session is null || session.EndedAt is not null || session.Name != context.Principal!.Identity?.Name)
        {
            await RefuseAsync(context);
            return;
        }
        if (session.ExpiresAt <= now)
        {
            // Ended once, by whichever request finds it first, so the audit log has one entry for it.
            var ended = await db.AdminSessions.Where(s => s.Id == session.Id && s.EndedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, session.ExpiresAt), context.HttpContext.RequestAborted);
            if (ended > 0)
            {
                db.Audit(now, session.Name, AuditAction.SessionExpired,
                    $"session of {Utc(session.StartedAt)} ended at its end, {Utc(session.ExpiresAt)}");
                await db.SaveChangesAsync(context.HttpContext.RequestAborted);
            }
            await RefuseAsync(context);
            return;
        }
        if (now - session.LastUsedAt >= LastUsedPrecision)
        {
            await db.AdminSessions.Where(s => s.Id == session.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastUsedAt, now), context.HttpContext.RequestAborted);
        }
    }

    private static string Utc(DateTime at) => at.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static async Task RefuseAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}
