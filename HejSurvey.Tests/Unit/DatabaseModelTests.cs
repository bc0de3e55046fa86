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
/// The site runs on a compiled model per provider (Data/CompiledModel for SQLite, Data/CompiledModel/PostgreSQL, made
/// by <c>dotnet ef dbcontext optimize</c>) so that it never builds the model from the entity configurations at run
/// time, and has a set of migrations per provider. These tests fail when a configuration or an entity changes and a
/// compiled model or the migrations of either provider were not made again.
/// </summary>
public sealed class DatabaseModelTests : IDisposable
{
    private readonly SqliteConnection connection = new("Data Source=:memory:");
    private readonly SurveyDb db;

    // Building the model and diffing the migrations needs the provider, not a server: nothing connects to this one.
    private readonly PostgresSurveyDb postgres = PostgresServer.Context("Host=localhost;Database=not_opened");

    public DatabaseModelTests() => db = new SurveyDb(new DbContextOptionsBuilder<SurveyDb>().UseSqlite(connection).Options);

    public void Dispose()
    {
        db.Dispose();
        postgres.Dispose();
        connection.Dispose();
    }

    [Fact]
    public void The_site_uses_the_compiled_model_and_it_matches_the_entity_configurations()
    {
        Assert.IsType<SurveyDbModel>(db.Model);
        Assert.Equal(Describe(db.GetService<IDesignTimeModel>().Model), Describe(db.Model));
    }

    [Fact]
    public void On_PostgreSQL_the_site_uses_its_compiled_model_and_it_matches_the_entity_configurations()
    {
        Assert.IsType<Web.Data.CompiledModel.PostgreSQL.PostgresSurveyDbModel>(postgres.Model);
        Assert.Equal(Describe(postgres.GetService<IDesignTimeModel>().Model), Describe(postgres.Model));
        // Times are UTC there: timestamp with time zone, never a time without a zone.
        Assert.All(
            postgres.Model.GetRelationalModel().Tables.SelectMany(t => t.Columns).Where(c => c.ProviderClrType == typeof(DateTime)),
            column => Assert.Equal("timestamp with time zone", column.StoreType));
    }

    [Fact]
    public void The_migrations_match_the_entity_configurations() => AssertNoPendingChanges(db);

    [Fact]
    public void The_PostgreSQL_migrations_match_the_entity_configurations()
    {
        AssertNoPendingChanges(postgres);
        // Its own set: none of SQLite's migrations is PostgreSQL's, so SQLite's history stays as sites applied it.
        Assert.Empty(postgres.Database.GetMigrations().Intersect(db.Database.GetMigrations()));
    }

    private static void AssertNoPendingChanges(SurveyDb db)
    {
        var snapshot = db.GetService<IMigrationsAssembly>().ModelSnapshot?.Model;
        Assert.NotNull(snapshot);
        var initialized = db.GetService<IModelRuntimeInitializer>().Initialize(snapshot, designTime: true, validationLogger: null);

        var differences = db.GetService<IMigrationsModelDiffer>()
            .GetDifferences(initialized.GetRelationalModel(), db.GetService<IDesignTimeModel>().Model.GetRelationalModel());

        Assert.Equal([], differences.Select(operation => $"{operation.GetType().Name} on {(operation as ITableMigrationOperation)?.Table}"));
    }

    [Fact]
    public Task At_start_a_database_gets_the_migrations_it_lacks_and_one_that_has_them_all_keeps_its_history() =>
        MigratesAtStart(DatabaseProvider.Sqlite);

    [PostgresFact]
    public Task At_start_a_PostgreSQL_database_gets_the_migrations_it_lacks_and_one_that_has_them_all_keeps_its_history() =>
        MigratesAtStart(DatabaseProvider.PostgreSQL);

    [PostgresFact]
    public async Task The_PostgreSQL_migrations_make_an_empty_database_the_whole_model()
    {
        var connectionString = PostgresServer.EmptyDatabase();
        try
        {
            await using (var empty = PostgresServer.Context(connectionString))
            {
                await empty.Database.MigrateAsync();
                Assert.Equal(empty.Database.GetMigrations(), await empty.Database.GetAppliedMigrationsAsync());
                Assert.False(empty.Database.HasPendingModelChanges());
                await SelectEveryColumnAsync(empty);
            }
        }
        finally
        {
            PostgresServer.DropDatabase(connectionString);
        }
    }

    private static async Task MigratesAtStart(DatabaseProvider provider)
    {
        using var site = provider == DatabaseProvider.PostgreSQL ? new PostgresSiteFactory() : new SiteFactory();
        await using (var arranged = site.Db())
        {
            // The database as the build before the latest migration left it: that migration undone by its own Down
            // (with a single migration, an empty database).
            var previous = arranged.Database.GetMigrations().SkipLast(1).LastOrDefault() ?? Migration.InitialDatabase;
            await arranged.GetService<IMigrator>().MigrateAsync(previous);
            Assert.DoesNotContain(arranged.Database.GetMigrations().Last(), await arranged.Database.GetAppliedMigrationsAsync());
        }

        await site.Services.MigrateSurveyDatabaseAsync();
        await site.Services.MigrateSurveyDatabaseAsync();

        await using var db = site.Db();
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        await SelectEveryColumnAsync(db);
    }

    /// <summary>Every column the model knows is there: reading whole rows of every table works.</summary>
    private static async Task SelectEveryColumnAsync(SurveyDb db)
    {
        foreach (var table in db.Model.GetRelationalModel().Tables)
        {
            var columns = string.Join(", ", table.Columns.Select(c => $"\"{c.Name}\""));
            var select = $"SELECT {columns} FROM \"{table.Name}\" LIMIT 0"; // names from the model, not from input
            await db.Database.ExecuteSqlRawAsync(select);
        }
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
