using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HejSurvey.Web.Pages.Admin;

/// <summary>Sign-out is a POST (with antiforgery), so that no link or image elsewhere can sign an admin out.</summary>
public sealed class LogoutModel(SurveyDb db, TimeProvider clock) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        db.Audit(clock.GetUtcNow().UtcDateTime, User.AdminName(), AuditAction.Logout);
        await db.SaveChangesAsync(cancellationToken);
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Redirect("/admin/login");
    }
}
