using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using HejSurvey.Web.Site;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace HejSurvey.Web.Pages.Admin;

/// <summary>
/// Sign-in. A wrong name, a wrong password and a locked account all get the same answer, so the form tells a stranger
/// nothing about which names exist. Posts are limited per address (middleware) and per name (here).
/// </summary>
[EnableRateLimiting(AdminSetup.LoginRateLimit)]
public sealed class LoginModel(
    SurveyDb db,
    IPasswordHasher<AdminUser> hasher,
    LoginThrottle throttle,
    IOptions<AdminOptions> options,
    TimeProvider clock,
    IStringLocalizer<Text> text) : PageModel
{
    /// <summary>Verified against when the name is unknown, so that a wrong name takes as long as a wrong password.</summary>
    private static readonly Lazy<string> UnknownNameHash = new(() => new PasswordHasher<AdminUser>().HashPassword(null!, Guid.NewGuid().ToString()));

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public string? Error { get; private set; }

    public sealed class InputModel
    {
        public string? Name { get; set; }
        public string? Password { get; set; }
    }

    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? Redirect("/admin") : Page();

    public async Task<IActionResult> OnPostAsync([FromQuery(Name = "ReturnUrl")] string? returnUrl, CancellationToken cancellationToken)
    {
        var name = Input.Name?.Trim() ?? "";
        var password = Input.Password ?? "";
        Input.Password = null;
        if (name.Length == 0 || password.Length == 0)
        {
            Error = text["Fyll i både namn och lösenord."];
            return Page();
        }
        if (name.Length > 100)
        {
            // No admin has such a name; answered like any wrong name, without filling the log with it.
            Error = WrongNameOrPassword();
            return Page();
        }
        using var lease = throttle.Attempt(name);
        if (!lease.IsAcquired)
        {
            AdminSetup.TooManyAttempts(Response, lease);
            Error = text["För många inloggningsförsök. Vänta en minut och försök igen."];
            return Page();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var admin = await db.AdminUsers.SingleOrDefaultAsync(a => a.Name == name, cancellationToken);
        if (admin is null)
        {
            hasher.VerifyHashedPassword(new AdminUser { Name = name, PasswordHash = "" }, UnknownNameHash.Value, password);
            return await RefuseAsync(now, name, AuditAction.LoginFailed, "unknown name", cancellationToken);
        }
        if (admin.LockedUntil > now)
        {
            hasher.VerifyHashedPassword(admin, UnknownNameHash.Value, password);
            return await RefuseAsync(now, name, AuditAction.LoginFailed, "account locked", cancellationToken);
        }
        var verified = hasher.VerifyHashedPassword(admin, admin.PasswordHash, password);
        if (verified == PasswordVerificationResult.Failed)
        {
            return await CountFailureAsync(admin, now, cancellationToken);
        }

        if (verified == PasswordVerificationResult.SuccessRehashNeeded)
        {
            admin.PasswordHash = hasher.HashPassword(admin, password);
        }
        admin.FailedLogins = 0;
        admin.LockedUntil = null;
        var session = AdminSessions.Start(db, admin, now, TimeSpan.FromHours(options.Value.SessionHours));
        db.Audit(now, admin.Name, AuditAction.Login, $"session until {now.AddHours(options.Value.SessionHours):yyyy-MM-dd HH:mm} UTC");
        await db.SaveChangesAsync(cancellationToken);

        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, session);
        return LocalRedirect(AdminUrl(returnUrl) ?? "/admin");
    }

    /// <summary>Counts a wrong password in one statement (two browsers cannot both count from the same number) and locks at the limit.</summary>
    private async Task<IActionResult> CountFailureAsync(AdminUser admin, DateTime now, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxFailedLogins;
        var lockedUntil = now.AddMinutes(options.Value.LockoutMinutes);
        await db.AdminUsers.Where(a => a.Id == admin.Id).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.LockedUntil, a => a.FailedLogins + 1 >= limit ? lockedUntil : a.LockedUntil)
            .SetProperty(a => a.FailedLogins, a => a.FailedLogins + 1 >= limit ? 0 : a.FailedLogins + 1), cancellationToken);
        var locked = await db.AdminUsers.Where(a => a.Id == admin.Id).Select(a => a.LockedUntil).SingleAsync(cancellationToken) > now;
        return locked
            ? await RefuseAsync(now, admin.Name, AuditAction.LoginLocked, $"locked until {lockedUntil:yyyy-MM-dd HH:mm} UTC after {limit} failed logins", cancellationToken)
            : await RefuseAsync(now, admin.Name, AuditAction.LoginFailed, "wrong password", cancellationToken);
    }

    private async Task<IActionResult> RefuseAsync(DateTime now, string name, string action, string detail, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        db.Audit(now, name, action, detail);
        await db.SaveChangesAsync(cancellationToken);
        Error = WrongNameOrPassword();
        return Page();
    }

    private string WrongNameOrPassword() =>
        text["Fel namn eller lösenord. Efter {0} misslyckade försök låses kontot i {1} minuter.", options.Value.MaxFailedLogins, options.Value.LockoutMinutes];

    /// <summary>The return address if it is a page of the admin area, made safe for the Location header; otherwise null.</summary>
    private static string? AdminUrl(string? url) =>
        LocalUrl.Safe(url) is { } safe && (safe == "/admin" || safe.StartsWith("/admin/", StringComparison.Ordinal) || safe.StartsWith("/admin?", StringComparison.Ordinal)) && !safe.Contains("//", StringComparison.Ordinal)
            ? safe
            : null;
}
