using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HejSurvey.Web.Pages.Admin;

/// <summary>
/// The signed-in admin's own open sessions (the browsers where they are signed in), and "sign out everywhere", which
/// ends all of them, this one included: for a lost laptop or a cookie that may have been copied.
/// </summary>
public sealed class SessionsModel(SurveyDb db, TimeProvider clock, IOptions<AdminOptions> options) : PageModel
{
    public int SessionHours => options.Value.SessionHours;

    public sealed record Row(DateTime StartedAt, DateTime LastUsedAt, DateTime ExpiresAt, bool IsThisOne);

    public IReadOnlyList<Row> Sessions { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var current = User.CurrentHash();
        var name = User.AdminName();
        Sessions = await db.AdminSessions.AsNoTracking()
            .Where(s => s.EndedAt == null && s.ExpiresAt > now)
            .Join(db.AdminUsers.Where(a => a.Name == name), s => s.AdminUserId, a => a.Id, (s, _) => s)
            .OrderByDescending(s => s.LastUsedAt)
            .Select(s => new Row(s.StartedAt, s.LastUsedAt, s.ExpiresAt, s.IdHash == current))
            .ToListAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostEverywhereAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var name = User.AdminName();
        var adminId = await db.AdminUsers.Where(a => a.Name == name).Select(a => a.Id).SingleAsync(cancellationToken);
        var ended = await AdminSessions.EndAllAsync(db, adminId, now, cancellationToken);
        db.Audit(now, name, AuditAction.SessionsEnded, $"signed out everywhere: {ended} open sessions ended");
        await db.SaveChangesAsync(cancellationToken);
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Redirect("/admin/login");
    }
}
