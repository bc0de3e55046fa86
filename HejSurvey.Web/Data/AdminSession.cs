using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HejSurvey.Web.Data;

/// <summary>
/// One sign-in of an admin. The cookie carries a random session id; only its hash is stored, so neither the
/// database nor a backup holds anything a cookie could be made from. Every request checks the session here.
/// </summary>
public sealed class AdminSession
{
    public long Id { get; set; }
    public int AdminUserId { get; set; }

    /// <summary>SHA-256 of the id in the cookie, as lowercase hex.</summary>
    public required string IdHash { get; set; }

    public DateTime StartedAt { get; set; }
    public DateTime LastUsedAt { get; set; }

    /// <summary>The absolute end: use never moves it.</summary>
    public DateTime ExpiresAt { get; set; }

    /// <summary>When it was signed out, ended by a new password or "sign out everywhere", or found expired.</summary>
    public DateTime? EndedAt { get; set; }
}

internal sealed class AdminSessionConfiguration : IEntityTypeConfiguration<AdminSession>
{
    public void Configure(EntityTypeBuilder<AdminSession> builder)
    {
        builder.ToTable("AdminSessions");
        builder.Property(s => s.IdHash).HasMaxLength(64);
        builder.HasIndex(s => s.IdHash).IsUnique();
        builder.HasIndex(s => s.AdminUserId);
        // Removing an admin removes its sessions, and with them every cookie it had.
        builder.HasOne<AdminUser>().WithMany().HasForeignKey(s => s.AdminUserId).OnDelete(DeleteBehavior.Cascade);
    }
}
