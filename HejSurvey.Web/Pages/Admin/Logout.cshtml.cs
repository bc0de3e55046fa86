using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HejSurvey.Web.Pages.Admin;

/// <summary>
/// Sign-out is a POST (with antiforgery), so that no link or image elsewhere can sign an admin out. It ends the session
/// on the server, so a copy of the cookie taken before is refused too.
/// </summary>
public sealed class LogoutModel(SurveyDb db, TimeProvider clock) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (User.CurrentHash() is { } session)
        {
            await AdminSessions.EndAsync(db, session, now, cancellationToken);
        }
        db.Audit(now, User.AdminName(), AuditAction.Logout, "session ended");
        await db.SaveChangesAsync(cancellationToken);
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Redirect("/admin/login");
    }
}
