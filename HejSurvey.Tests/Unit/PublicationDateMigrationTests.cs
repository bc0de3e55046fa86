using HejSurvey.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace HejSurvey.Tests.Unit;

/// <summary>Rounds published before the publication date was stored get their close as that date.</summary>
public sealed class PublicationDateMigrationTests
{
    [Fact]
    public async Task The_migration_dates_published_rounds_from_their_close_and_leaves_the_others_without_a_date()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        await using var db = new SurveyDb(new DbContextOptionsBuilder<SurveyDb>().UseSqlite(connection).Options);
        var migrator = db.GetService<IMigrator>();
        var migrations = db.GetService<IMigrationsAssembly>().Migrations.Keys.Order(StringComparer.Ordinal).ToList();
        var ours = migrations.Single(m => m.EndsWith("_RoundSummaryAndPublication", StringComparison.Ordinal));
        await migrator.MigrateAsync(migrations[migrations.IndexOf(ours) - 1]);

        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText =
                """
                INSERT INTO Questionnaires (Key, Version, Definition, CreatedAt) VALUES ('q', 1, '{}', '2025-01-01 00:00:00');
                INSERT INTO Rounds (Slug, TitleSv, TitleEn, QuestionnaireId, State, CreatedAt, OpenedAt, ClosedAt, IsPublished, LiveResults, ResponseCount) VALUES
                  ('closed-published', 'a', 'a', 1, 2, '2025-01-01 00:00:00', '2025-02-01 08:00:00', '2025-03-01 17:00:00', 1, 0, 0),
                  ('live-published', 'b', 'b', 1, 1, '2025-01-01 00:00:00', '2025-02-02 08:00:00', NULL, 1, 1, 0),
                  ('closed-unpublished', 'c', 'c', 1, 2, '2025-01-01 00:00:00', '2025-02-03 08:00:00', '2025-03-03 17:00:00', 0, 0, 0);
                """;
            await insert.ExecuteNonQueryAsync();
        }
        await migrator.MigrateAsync(ours);

        var dates = await db.Rounds.AsNoTracking().OrderBy(r => r.Slug).Select(r => new { r.Slug, r.PublishedAt }).ToListAsync();
        Assert.Equal(
            [("closed-published", (DateTime?)new DateTime(2025, 3, 1, 17, 0, 0)), ("closed-unpublished", null), ("live-published", new DateTime(2025, 2, 2, 8, 0, 0))],
            dates.Select(d => (d.Slug, d.PublishedAt)));
    }
}
