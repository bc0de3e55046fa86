using System.Globalization;
using System.Net;
using System.Reflection;
using HejSurvey.Tests.Faults;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HejSurvey.Tests.Pages;

/// <summary>
/// <c>copy-database --to …</c> moves a SQLite site (a real file, filled through the site) up to a real PostgreSQL
/// database: every table equal, the ids kept, and the site then runs on PostgreSQL with the same admins, keys and
/// figures. A target that is not empty, or whose copy would not match, is left exactly as it was.
/// </summary>
public sealed class DatabaseCopyTests
{
    private const string Admin = "copy-admin";

    [Fact]
    public void Every_table_of_the_model_is_copied_with_every_column()
    {
        using var sqlite = new SurveyDb(new DbContextOptionsBuilder<SurveyDb>().UseSqlite("Data Source=:memory:").Options);
        using var postgres = PostgresServer.Context("Host=localhost");

        var plan = DatabaseCopy.Plan(sqlite.Model, postgres.Model);

        // A table added to the site (a DbSet) must be in the copy, with a column type it can carry.
        var sets = typeof(SurveyDb).GetProperties()
            .Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(DbSet<>))
            .Select(p => sqlite.Model.FindEntityType(p.PropertyType.GetGenericArguments()[0])!.GetTableName())
            .Order(StringComparer.Ordinal);
        Assert.Equal(sets, plan.Tables.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Empty(plan.Unsupported);
        Assert.All(plan.Tables, table => Assert.Equal(
            sqlite.Model.GetEntityTypes().Single(e => e.GetTableName() == table.Name).GetProperties().Count(),
            table.Columns.Count));
        // Referenced tables first, so that the references can be checked as they are made again.
        var order = plan.Tables.Select(t => t.Name).ToList();
        Assert.True(order.IndexOf("Questionnaires") < order.IndexOf("Rounds"));
        Assert.True(order.IndexOf("Rounds") < order.IndexOf("Responses"));
        Assert.True(order.IndexOf("Responses") < order.IndexOf("Answers"));
        Assert.True(order.IndexOf("AdminUsers") < order.IndexOf("AdminSessions"));
    }

    [PostgresFact]
    public async Task A_site_is_copied_whole_and_then_runs_on_PostgreSQL_with_its_admins_keys_and_figures()
    {
        using var source = new AdminSiteFactory();
        var cookies = new CookieContainer();
        var (rounds, form) = await FillAsync(source, cookies);
        var target = PostgresServer.EmptyDatabase();
        try
        {
            var output = new StringWriter();
            await using (var db = source.Db())
            {
                Assert.Equal(DatabaseCopy.Copied, await DatabaseCopy.CopyAsync(db, new SurveyConnection(source.ConnectionString), new NpgsqlConnectionStringBuilder(target), output));
            }

            // Every row of every table, equal.
            await using (var from = source.Db())
            await using (var to = PostgresServer.Context(target))
            {
                foreach (var type in from.Model.GetEntityTypes())
                {
                    var rows = await RowsAsync(from, type);
                    Assert.Equal(rows, await RowsAsync(to, type));
                    var table = type.GetTableName()!;
                    Assert.Matches($@"(?m)^{table} +{rows.Count.ToString("N0", CultureInfo.CurrentCulture)} +{rows.Count.ToString("N0", CultureInfo.CurrentCulture)} ", output.ToString());
                }
                Assert.True(await to.Set<LiveVersion>().AnyAsync(), "the open round with live results had a version to copy");
                Assert.True(await to.AdminSessions.AnyAsync(s => s.EndedAt == null), "the signed-in admin's session was copied");
                Assert.All(await to.DataProtectionKeys.ToListAsync(), key => Assert.Contains("encryptedSecret", key.Xml, StringComparison.Ordinal));
            }
            Assert.Contains("encrypted with this site's certificate", output.ToString(), StringComparison.Ordinal);

            using var copied = new PostgresAdminSiteFactory();
            copied.Settings["ConnectionStrings:Survey"] = target;
            // The certificate the SQLite site made beside its file: the copied keys are encrypted with it.
            copied.Settings["DataProtection:CertificatePath"] = Path.ChangeExtension(source.DatabasePath, ".keys.pfx");

            // The same figures, from the same tallies (and, while open, the same live version).
            foreach (var slug in rounds)
            {
                Assert.Equal(await source.Browser().GetStringAsync($"/results/{slug}/data.csv"), await copied.Browser().GetStringAsync($"/results/{slug}/data.csv"));
                Assert.Equal(Tables(await source.Browser().GetPageAsync($"/results/{slug}")), Tables(await copied.Browser().GetPageAsync($"/results/{slug}")));
            }

            // The admin's sign-in on the SQLite site still holds, and the old password signs in.
            using var stillSignedIn = copied.CreateDefaultClient(new Uri("http://localhost"), new CookieContainerHandler(cookies));
            using (var dashboard = await stillSignedIn.GetAsync("/admin"))
            {
                Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
            }
            using (var login = await copied.Browser().LoginAsync(Admin, AdminSiteFactory.Password))
            {
                Assert.Equal("/admin", login.Headers.Location?.OriginalString);
            }

            // A form fetched from the SQLite site is taken by the PostgreSQL one, under a new id past the copied ones.
            using (var sent = await stillSignedIn.PostFormAsync("/survey/copy-live", form.Concat(SurveyJourneyTests.CompleteAnswers())))
            {
                Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
                Assert.Equal("/survey/copy-live/thanks", sent.Headers.Location?.OriginalString);
            }
            await using (var from = source.Db())
            await using (var to = PostgresServer.Context(target))
            {
                var live = await to.Rounds.SingleAsync(r => r.Slug == "copy-live");
                Assert.Equal((await from.Rounds.SingleAsync(r => r.Slug == "copy-live")).ResponseCount + 1, live.ResponseCount);
                Assert.Equal(await from.Responses.MaxAsync(r => r.Id) + 1, await to.Responses.MaxAsync(r => r.Id));
            }
        }
        finally
        {
            PostgresServer.DropDatabase(target);
        }
    }

    [PostgresFact]
    public async Task With_another_certificate_the_copied_keys_are_passed_over_and_admins_sign_in_again()
    {
        using var source = new AdminSiteFactory();
        var cookies = new CookieContainer();
        var (_, form) = await FillAsync(source, cookies);
        var target = PostgresServer.EmptyDatabase();
        try
        {
            await using (var db = source.Db())
            {
                Assert.Equal(DatabaseCopy.Copied, await DatabaseCopy.CopyAsync(db, new SurveyConnection(source.ConnectionString), new NpgsqlConnectionStringBuilder(target), new StringWriter()));
            }

            // No certificate given: the site makes one of its own, which cannot read the copied keys.
            using var copied = new PostgresAdminSiteFactory();
            copied.Settings["ConnectionStrings:Survey"] = target;
            using var oldCookies = copied.CreateDefaultClient(new Uri("http://localhost"), new CookieContainerHandler(cookies));
            using (var dashboard = await oldCookies.GetAsync("/admin"))
            {
                Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
                Assert.StartsWith("/admin/login", dashboard.Headers.Location?.OriginalString, StringComparison.Ordinal);
            }
            using (var stale = await oldCookies.PostFormAsync("/survey/copy-live", form.Concat(SurveyJourneyTests.CompleteAnswers())))
            {
                Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
            }
            using (var login = await copied.Browser().LoginAsync(Admin, AdminSiteFactory.Password))
            {
                Assert.Equal("/admin", login.Headers.Location?.OriginalString);
            }
            using var answered = await SurveyJourneyTests.AnswerAsync(copied.Browser(), "copy-live", SurveyJourneyTests.CompleteAnswers());
            Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        }
        finally
        {
            PostgresServer.DropDatabase(target);
        }
    }

    [PostgresFact]
    public async Task A_target_with_the_sites_migrations_or_tables_is_refused_and_left_as_it_was()
    {
        using var source = new AdminSiteFactory();
        await source.CreateRoundAsync("copy-refused");
        var migrated = PostgresServer.MigratedDatabase();
        var empty = PostgresServer.EmptyDatabase();
        try
        {
            await using (var db = PostgresServer.Context(migrated))
            {
                await db.Database.ExecuteSqlRawAsync("""INSERT INTO "AuditEntries" ("At", "Admin", "Action") VALUES (now(), 'someone', 'there-before')""");
            }
            await using (var connection = new NpgsqlConnection(empty))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("""CREATE TABLE "Rounds" ("Id" integer); INSERT INTO "Rounds" VALUES (7);""", connection);
                await command.ExecuteNonQueryAsync();
            }

            var migratedOutput = new StringWriter();
            var tableOutput = new StringWriter();
            await using (var db = source.Db())
            {
                Assert.Equal(DatabaseCopy.NotEmpty, await DatabaseCopy.CopyAsync(db, new SurveyConnection(source.ConnectionString), new NpgsqlConnectionStringBuilder(migrated), migratedOutput));
                Assert.Equal(DatabaseCopy.NotEmpty, await DatabaseCopy.CopyAsync(db, new SurveyConnection(source.ConnectionString), new NpgsqlConnectionStringBuilder(empty), tableOutput));
            }

            Assert.Contains("is not empty: it already has this site's migrations", migratedOutput.ToString(), StringComparison.Ordinal);
            Assert.Contains("nothing was changed", migratedOutput.ToString(), StringComparison.Ordinal);
            Assert.Contains("it already has tables of this site: Rounds (1 rows)", tableOutput.ToString(), StringComparison.Ordinal);
            await using (var db = PostgresServer.Context(migrated))
            {
                Assert.Empty(await db.Rounds.ToListAsync());
                Assert.Equal(["there-before"], await db.AuditEntries.Select(a => a.Action).ToListAsync());
            }
            Assert.Equal(["Rounds"], await TablesOfAsync(empty));
        }
        finally
        {
            PostgresServer.DropDatabase(migrated);
            PostgresServer.DropDatabase(empty);
        }
    }

    [PostgresFact]
    public async Task Tallies_that_do_not_match_the_answers_fail_the_copy_and_leave_the_target_empty()
    {
        using var source = new AdminSiteFactory();
        var round = await source.CreateRoundAsync("copy-miscounted", RoundState.Closed, published: true);
        using (var connection = new SurveyConnection(source.ConnectionString).Open())
        {
            SyntheticResponses.Add(connection, round.Id, ShippedQuestionnaires.Newest, 30, new Random(3));
            using var miscount = connection.CreateCommand();
            miscount.CommandText = "UPDATE AnswerTallies SET Count = Count + 1 WHERE GroupKey = '' AND QuestionKey = 'role' AND Value = 1;";
            Assert.Equal(1, miscount.ExecuteNonQuery());
        }
        var target = PostgresServer.EmptyDatabase();
        try
        {
            var output = new StringWriter();
            await using (var db = source.Db())
            {
                Assert.Equal(DatabaseCopy.Failed, await DatabaseCopy.CopyAsync(db, new SurveyConnection(source.ConnectionString), new NpgsqlConnectionStringBuilder(target), output));
            }

            Assert.Contains("copy-miscounted answers (everyone) role=1: the tally says", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("Everything was rolled back", output.ToString(), StringComparison.Ordinal);
            Assert.Empty(await TablesOfAsync(target));
        }
        finally
        {
            PostgresServer.DropDatabase(target);
        }
    }

    /// <summary>The command line itself: a bad or unreachable target gets a sentence and its exit code, never a stack trace.</summary>
    [PostgresFact]
    public async Task A_bad_or_unreachable_target_gets_a_clear_message_from_the_command_line()
    {
        var folder = Directory.CreateTempSubdirectory("hejsurvey-copy-").FullName;
        try
        {
            var site = new ServerProcess(Path.Combine(folder, "survey.db"), ServerProcess.FreePort());
            var target = new NpgsqlConnectionStringBuilder(PostgresServer.EmptyDatabase());
            try
            {
                var (badCode, bad) = await site.RunCommandAsync("", "copy-database", "--to", "Host=127.0.0.1;Colour=blue");
                var (closedCode, closed) = await site.RunCommandAsync("", "copy-database", "--to", $"Host=127.0.0.1;Port={ClosedPort()};Database=hejsurvey;Username=nobody");
                var (missingCode, missing) = await site.RunCommandAsync("", "copy-database", "--to", new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "hejsurvey_no_such_database" }.ConnectionString);
                var (usageCode, usage) = await site.RunCommandAsync("", "copy-database");
                var (copiedCode, copied) = await site.RunCommandAsync("", "copy-database", "--to", target.ConnectionString);

                Assert.Equal((DatabaseCopy.BadArguments, DatabaseCopy.Unreachable, DatabaseCopy.Unreachable, DatabaseCopy.BadArguments, DatabaseCopy.Copied), (badCode, closedCode, missingCode, usageCode, copiedCode));
                Assert.Contains("The target is not a PostgreSQL connection string", bad, StringComparison.Ordinal);
                Assert.Contains("Could not connect to PostgreSQL at 127.0.0.1:", closed, StringComparison.Ordinal);
                Assert.Contains("database \"hejsurvey_no_such_database\" does not exist", missing, StringComparison.Ordinal);
                Assert.Contains(DatabaseCopy.Usage, usage, StringComparison.Ordinal);
                Assert.Contains("the tallies and response counts equal a recount", copied, StringComparison.Ordinal);
                Assert.All(new[] { bad, closed, missing, usage, copied }, text => Assert.DoesNotContain("   at ", text, StringComparison.Ordinal));
            }
            finally
            {
                PostgresServer.DropDatabase(target.ConnectionString);
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Rounds in every state on two questionnaire versions (and a draft version), answers through the form and made up,
    /// a live version shown, an admin signed in (a session, keys, audit entries). Returns the rounds with results and
    /// the hidden fields of a form fetched with <paramref name="cookies"/>, not yet sent.
    /// </summary>
    private static async Task<(string[] Rounds, Dictionary<string, string> Form)> FillAsync(AdminSiteFactory site, CookieContainer cookies)
    {
        await site.CreateAdminAsync(Admin);
        using var admin = site.CreateDefaultClient(new Uri("http://localhost"), new CookieContainerHandler(cookies));
        using (var login = await admin.LoginAsync(Admin, AdminSiteFactory.Password))
        {
            Assert.Equal("/admin", login.Headers.Location?.OriginalString);
        }

        await site.CreateRoundAsync("copy-draft", RoundState.Draft);
        var live = await site.CreateRoundAsync("copy-live", RoundState.Open, published: true, live: true);
        var closed = await site.CreateRoundAsync("copy-closed", RoundState.Closed, published: true);
        var unpublished = await site.CreateRoundAsync("copy-unpublished", RoundState.Closed);
        int first;
        await using (var db = site.Db())
        {
            var versions = await db.Questionnaires.Where(q => q.Key == ShippedQuestionnaires.Newest.Key).OrderBy(q => q.Version).ToListAsync();
            first = versions[0].Id;
            await db.Rounds.Where(r => r.Id == closed.Id).ExecuteUpdateAsync(r => r.SetProperty(x => x.QuestionnaireId, first));
            db.Questionnaires.Add(new Questionnaire
            {
                Key = versions[^1].Key,
                Version = versions[^1].Version + 1,
                Definition = versions[^1].Definition,
                CreatedAt = DateTime.UtcNow,
                BasedOnVersion = versions[^1].Version,
            });
            await db.SaveChangesAsync();
        }
        using (var connection = new SurveyConnection(site.ConnectionString).Open())
        {
            var definitions = await site.Services.GetRequiredService<QuestionnaireCatalog>().GetAsync(first);
            SyntheticResponses.Add(connection, closed.Id, definitions, 240, new Random(1));
            SyntheticResponses.Add(connection, unpublished.Id, ShippedQuestionnaires.Newest, 40, new Random(2));
            SyntheticResponses.Add(connection, live.Id, ShippedQuestionnaires.Newest, 60, new Random(4));
        }
        using (var answered = await SurveyJourneyTests.AnswerAsync(site.Browser(), live.Slug, SurveyJourneyTests.CompleteAnswers()))
        {
            Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        }
        // Reading the live results releases (and stores) their first version.
        using (var shown = await site.Browser().GetAsync($"/results/{live.Slug}"))
        {
            Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        }
        var form = HtmlForm.HiddenFields(await admin.GetPageAsync($"/survey/{live.Slug}"));
        return ([live.Slug, closed.Slug], form);
    }

    private static List<string> Tables(AngleSharp.Html.Dom.IHtmlDocument page) =>
        [.. page.QuerySelectorAll("main table").Select(t => string.Join(" ", t.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)))];

    /// <summary>Every row of the entity's table, each as one line of its property values, in order.</summary>
    private static Task<List<string>> RowsAsync(SurveyDb db, IEntityType type) =>
        (Task<List<string>>)typeof(DatabaseCopyTests).GetMethod(nameof(RowsOfAsync), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type.ClrType).Invoke(null, [db, type])!;

    private static async Task<List<string>> RowsOfAsync<T>(SurveyDb db, IEntityType type)
        where T : class
    {
        var rows = await db.Set<T>().AsNoTracking().ToListAsync();
        return [.. rows.Select(row => string.Join(" | ", type.GetProperties().Select(p => $"{p.Name}={Text(p.PropertyInfo!.GetValue(row))}"))).Order(StringComparer.Ordinal)];
    }

    /// <summary>PostgreSQL keeps times to the microsecond and SQLite to the tenth of one: compared to the microsecond.</summary>
    private static string Text(object? value) => value switch
    {
        null => "null",
        DateTime time => new DateTime(time.Ticks - (time.Ticks % 10), DateTimeKind.Unspecified).ToString("O", CultureInfo.InvariantCulture),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static async Task<List<string>> TablesOfAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var tables = new List<string>();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }
        return tables;
    }

    /// <summary>A local port nothing listens on: taken and given back at once.</summary>
    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
