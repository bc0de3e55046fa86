using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace HejSurvey.Web.Data;

/// <summary>
/// The same model on PostgreSQL (Database:Provider=PostgreSQL). A type of its own because EF Core keeps one set of
/// migrations per context type: SQLite's history in Data/Migrations stays exactly as existing sites have applied it,
/// and PostgreSQL's starts in Data/Migrations/PostgreSQL with the whole model.
/// </summary>
public sealed class PostgresSurveyDb(DbContextOptions<PostgresSurveyDb> options) : SurveyDb(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // PostgreSQL folds unquoted names to lower case, and the columns are named in mixed case.
        modelBuilder.Entity<Answer>().ToTable("Answers", t => t.HasCheckConstraint("CK_Answers_Value", "\"Value\" BETWEEN 0 AND 9"));
        modelBuilder.Entity<PendingTally>().ToTable("PendingTallies");
    }

    /// <summary>
    /// Repeatable read: PostgreSQL's default, read committed, takes a new snapshot for every statement, so a count read
    /// first and the tallies read after it could be of two commits of answers.
    /// </summary>
    public override Task<IDbContextTransaction> BeginSnapshotAsync(CancellationToken cancellationToken) =>
        Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    /// <summary>
    /// Every time is UTC (timestamp with time zone). SQLite hands times back without a kind, and code that computes
    /// one from them keeps that; Npgsql refuses such a time, so an unspecified kind is taken as the UTC it is.
    /// </summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcTime>();

    internal sealed class UtcTime() : ValueConverter<DateTime, DateTime>(
        time => time.Kind == DateTimeKind.Utc ? time : time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc),
        time => DateTime.SpecifyKind(time, DateTimeKind.Utc));
}

/// <summary>
/// For <c>dotnet ef migrations add … --context PostgresSurveyDb</c>: making a migration needs the provider, not a
/// server, so the connection string is never opened.
/// </summary>
internal sealed class PostgresSurveyDbDesignFactory : IDesignTimeDbContextFactory<PostgresSurveyDb>
{
    public PostgresSurveyDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresSurveyDb>().UseNpgsql("Host=localhost;Database=hejsurvey").Options);
}

/// <summary>
/// For <c>dotnet ef … --context SurveyDb</c>. Without it the tool would take the factory above for SurveyDb as well
/// (a PostgresSurveyDb is a SurveyDb) and write PostgreSQL into SQLite's migrations and compiled model.
/// </summary>
internal sealed class SurveyDbDesignFactory : IDesignTimeDbContextFactory<SurveyDb>
{
    public SurveyDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SurveyDb>().UseSqlite(SurveyData.DefaultConnectionString).Options);
}
