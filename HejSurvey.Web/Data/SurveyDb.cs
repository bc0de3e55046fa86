using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace HejSurvey.Web.Data;

/// <summary>
/// The site's database on SQLite, with the migrations in Data/Migrations; <see cref="PostgresSurveyDb"/> is the same
/// model on PostgreSQL with its own migrations. Everything else asks for a SurveyDb and gets whichever is configured.
/// </summary>
public class SurveyDb : DbContext, IDataProtectionKeyContext
{
    public SurveyDb(DbContextOptions<SurveyDb> options)
        : base(options)
    {
    }

    /// <summary>For the context of another provider, whose options (and migrations) are its own.</summary>
    protected SurveyDb(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<Questionnaire> Questionnaires => Set<Questionnaire>();
    public DbSet<Round> Rounds => Set<Round>();
    public DbSet<Response> Responses => Set<Response>();
    public DbSet<Answer> Answers => Set<Answer>();
    public DbSet<AnswerTally> AnswerTallies => Set<AnswerTally>();
    public DbSet<ThemeTally> ThemeTallies => Set<ThemeTally>();
    public DbSet<LiveVersion> LiveVersions => Set<LiveVersion>();
    public DbSet<AdminUser> AdminUsers => Set<AdminUser>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<AdminSession> AdminSessions => Set<AdminSession>();

    /// <summary>Shared by every web node, so that cookies and antiforgery tokens survive restarts and load balancing.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>
    /// A transaction in which every read sees the same commit, for figures read in several statements that must agree
    /// (a round's count and its tallies). On SQLite any transaction is that already (it begins as the writer's does, so
    /// for its few statements it holds the writer back, only while a live round's results are made).
    /// </summary>
    public virtual Task<IDbContextTransaction> BeginSnapshotAsync(CancellationToken cancellationToken) =>
        Database.BeginTransactionAsync(cancellationToken);

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(SurveyDb).Assembly);
}
