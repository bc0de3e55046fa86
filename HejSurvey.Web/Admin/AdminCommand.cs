using System.Security.Cryptography;
using HejSurvey.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace HejSurvey.Web.Admin;

/// <summary>
/// <c>admin add &lt;name&gt; --password-stdin</c>: creates an admin, or gives an existing one a new password and lifts
/// its lockout. The password comes from standard input so that it never shows in the shell history or process list.
/// <c>admin remove &lt;name&gt;</c> removes an admin, and with it every session it had.
/// </summary>
public static class AdminCommand
{
    public const string Usage = "Usage: admin add <name> --password-stdin   (the password is read from standard input)\n       admin remove <name>";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextReader input, TextWriter output)
    {
        if (args is ["admin", "remove", var removed] && !removed.StartsWith('-'))
        {
            await using var removing = services.CreateAsyncScope();
            var found = await RemoveAsync(removing.ServiceProvider.GetRequiredService<SurveyDb>(), removed.Trim(), DateTime.UtcNow);
            await output.WriteLineAsync(found ? $"Admin '{removed.Trim()}' removed; its sessions are ended." : $"There is no admin '{removed.Trim()}'.");
            return found ? 0 : 1;
        }
        if (args is not ["admin", "add", var name, "--password-stdin"] || name.StartsWith('-'))
        {
            await output.WriteLineAsync(Usage);
            return 2;
        }
        name = name.Trim();
        if (name.Length is 0 or > 100)
        {
            await output.WriteLineAsync("The name must be 1 to 100 characters.");
            return 2;
        }
        var password = (await input.ReadLineAsync())?.TrimEnd('\r', '\n') ?? "";
        await using var scope = services.CreateAsyncScope();
        if (AdminPassword.RefusalInBothLanguages(password, scope.ServiceProvider.GetRequiredService<IStringLocalizer<Text>>()) is { } refusal)
        {
            await output.WriteLineAsync(refusal);
            return 2;
        }

        var db = scope.ServiceProvider.GetRequiredService<SurveyDb>();
        var created = await SaveAsync(db, scope.ServiceProvider.GetRequiredService<IPasswordHasher<AdminUser>>(), name, password, DateTime.UtcNow);
        await output.WriteLineAsync(created ? $"Admin '{name}' created." : $"Admin '{name}' has a new password.");
        return 0;
    }

    /// <summary>
    /// Creates the admin or resets its password and lockout. A new password ends every session of the admin, in the
    /// same transaction: whoever knew the old one (or holds a cookie from it) is out. Returns whether it was created.
    /// </summary>
    internal static async Task<bool> SaveAsync(SurveyDb db, IPasswordHasher<AdminUser> hasher, string name, string password, DateTime now)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        var admin = await db.AdminUsers.SingleOrDefaultAsync(a => a.Name == name);
        var created = admin is null;
        admin ??= db.AdminUsers.Add(new AdminUser { Name = name, PasswordHash = "", CreatedAt = now }).Entity;
        admin.PasswordHash = hasher.HashPassword(admin, password);
        admin.FailedLogins = 0;
        admin.LockedUntil = null;
        db.Audit(now, AuditLog.System, AuditAction.AdminSaved, created ? $"created {name}" : $"new password for {name}");
        if (!created)
        {
            var ended = await AdminSessions.EndAllAsync(db, admin.Id, now, CancellationToken.None);
            db.Audit(now, AuditLog.System, AuditAction.SessionsEnded, $"{ended} open sessions of {name} ended by the new password");
        }
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return created;
    }

    /// <summary>Removes the admin; its sessions go with it (cascade), so every cookie it had is refused from the next request.</summary>
    internal static async Task<bool> RemoveAsync(SurveyDb db, string name, DateTime now)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        var sessions = await db.AdminSessions.CountAsync(s => s.EndedAt == null && db.AdminUsers.Any(a => a.Id == s.AdminUserId && a.Name == name));
        if (await db.AdminUsers.Where(a => a.Name == name).ExecuteDeleteAsync() == 0)
        {
            return false;
        }
        db.Audit(now, AuditLog.System, AuditAction.AdminRemoved, $"removed {name}; {sessions} open sessions ended");
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return true;
    }

    /// <summary>A password of 20 random letters and digits (about 119 bits).</summary>
    internal static string RandomPassword() =>
        RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20);
}

/// <summary>
/// In Development (or when Admin:CreateFirstAdmin asks for it, never in Production), an empty admin table gets an
/// admin named "admin" whose random password is printed once to the console — there is no default password.
/// </summary>
internal sealed class FirstAdmin(IServiceScopeFactory scopes, IWebHostEnvironment environment, IOptions<AdminOptions> options, TimeProvider clock) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var wanted = options.Value.CreateFirstAdmin ?? environment.IsDevelopment();
        if (!wanted || environment.IsProduction())
        {
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDb>();
        if (await db.AdminUsers.AnyAsync(cancellationToken))
        {
            return;
        }
        var password = AdminCommand.RandomPassword();
        await AdminCommand.SaveAsync(db, scope.ServiceProvider.GetRequiredService<IPasswordHasher<AdminUser>>(), "admin", password, clock.GetUtcNow().UtcDateTime);
        // The console, not the log: a password must not end up in log files. Shown this once only.
        Console.WriteLine($"Created the first admin: name 'admin', password '{password}'. It is shown only now; sign in at /admin/login.");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
