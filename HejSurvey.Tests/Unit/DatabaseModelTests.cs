using HejSurvey.Web.Data;
using HejSurvey.Web.Data.CompiledModel;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace HejSurvey.Tests.Unit;

/// <summary>
/// The site runs on a compiled model (Data/CompiledModel, made by <c>dotnet ef dbcontext optimize</c>) so that it
/// never builds the model from the entity configurations at run time. These tests fail when a configuration or an
/// entity changes and the compiled model or the migrations were not made again.
/// </summary>
public sealed class DatabaseModelTests : IDisposable
{
    private readonly SqliteConnection connection = new("Data Source=:memory:");
    private readonly SurveyDb db;

    public DatabaseModelTests() => db = new SurveyDb(new DbContextOptionsBuilder<SurveyDb>().UseSqlite(connection).Options);

    public void Dispose()
    {
        db.Dispose();
        connection.Dispose();
    }

    [Fact]
    public void The_site_uses_the_compiled_model_and_it_matches_the_entity_configurations()
    {
        Assert.IsType<SurveyDbModel>(db.Model);
        Assert.Equal(Describe(db.GetService<IDesignTimeModel>().Model), Describe(db.Model));
    }

    [Fact]
    public void The_migrations_match_the_entity_configurations()
    {
        var snapshot = db.GetService<IMigrationsAssembly>().ModelSnapshot?.Model;
        Assert.NotNull(snapshot);
        var initialized = db.GetService<IModelRuntimeInitializer>().Initialize(snapshot, designTime: true, validationLogger: null);

        var differences = db.GetService<IMigrationsModelDiffer>()
            .GetDifferences(initialized.GetRelationalModel(), db.GetService<IDesignTimeModel>().Model.GetRelationalModel());

        Assert.Equal([], differences.Select(operation => $"{operation.GetType().Name} on {(operation as ITableMigrationOperation)?.Table}"));
    }

    [Fact]
    public async Task At_start_a_database_gets_the_migrations_it_lacks_and_one_that_has_them_all_keeps_its_history()
    {
        using var site = new SiteFactory();
        await using (var arranged = site.Db())
        {
            // The database as a build without the LiveVersions migration left it (later migrations do not touch that table).
            var latest = arranged.Database.GetMigrations().Single(m => m.EndsWith("_LiveVersions", StringComparison.Ordinal));
            await arranged.Database.ExecuteSqlRawAsync("DROP TABLE LiveVersions");
            await arranged.Database.ExecuteSqlAsync($"DELETE FROM __EFMigrationsHistory WHERE MigrationId = {latest}");
        }

        await site.Services.MigrateSurveyDatabaseAsync();
        await site.Services.MigrateSurveyDatabaseAsync();

        await using var db = site.Db();
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal(1, await db.Database.SqlQuery<int>($"SELECT count(*) AS Value FROM sqlite_master WHERE name = 'LiveVersions'").SingleAsync());
    }

    /// <summary>Every entity property, table column, key, index and foreign key of a model, one sorted line each.</summary>
    private static List<string> Describe(IModel model)
    {
        var properties = model.GetEntityTypes().SelectMany(entity => entity.GetProperties().Select(p =>
            $"{entity.ClrType.Name}.{p.Name}: {p.ClrType.Name} nullable={p.IsNullable} generated={p.ValueGenerated} "
            + $"max={p.GetMaxLength()} converter={p.GetTypeMapping().Converter?.ProviderClrType.Name} column={p.GetColumnName()}"));
        var tables = model.GetRelationalModel().Tables.SelectMany(table =>
            table.Columns.Select(c => $"{table.Name}.{c.Name} {c.StoreType} nullable={c.IsNullable} default={c.DefaultValueSql ?? c.DefaultValue}")
                .Concat(table.UniqueConstraints.Select(u => $"{table.Name} key {u.Name} ({Names(u.Columns)})"))
                .Concat(table.Indexes.Select(i => $"{table.Name} index {i.Name} ({Names(i.Columns)}) unique={i.IsUnique} filter={i.Filter}"))
                .Concat(table.ForeignKeyConstraints.Select(f => $"{table.Name} foreign key {f.Name} ({Names(f.Columns)}) to {f.PrincipalTable.Name} on delete {f.OnDeleteAction}")));
        return [.. properties.Concat(tables).Order(StringComparer.Ordinal)];
    }

    private static string Names(IEnumerable<IColumn> columns) => string.Join(", ", columns.Select(c => c.Name));
}
