using System.Data;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace HejSurvey.Web.Admin;

/// <summary>
/// <c>copy-database --to "&lt;PostgreSQL connection string&gt;"</c>: moves a SQLite site up to PostgreSQL. Everything
/// happens in one transaction on the target, migrations included, so that a copy that fails half-way (or whose tallies
/// do not match its answers) leaves the target as empty as it was and can simply be run again.
/// <list type="number">
/// <item>The target must be empty: none of the site's tables and no migration history.</item>
/// <item>The PostgreSQL migrations are applied.</item>
/// <item>Every table of the model is copied with its ids (so that every link and every round's questionnaire stays
/// the same), from one read transaction on SQLite, so the copy is one moment of the source. The tables come from the
/// model itself, not from a list, so a table added to the model later is copied too, or refused before anything is
/// written if it has a column type the copy cannot carry.</item>
/// <item>The identity sequences are moved past the copied ids.</item>
/// <item>The tallies and response counts are recounted from the answers on the target, with the response writer's own
/// rules, and compared with the copied ones; any difference is listed and rolls everything back.</item>
/// </list>
/// The Data Protection keys are copied as they are, still encrypted with the SQLite site's certificate: the copy
/// reveals nothing, and a PostgreSQL site given the same certificate keeps every admin signed in and every open form
/// valid. A site with another certificate cannot read them and makes keys of its own.
/// </summary>
public static class DatabaseCopy
{
    public const string Usage = "Usage: copy-database --to \"<PostgreSQL connection string>\"   (copies this SQLite site into an empty PostgreSQL database)";

    public const int Copied = 0;
    public const int Failed = 1;
    public const int BadArguments = 2;
    public const int Unreachable = 3;
    public const int NotEmpty = 4;

    /// <summary>Keeps two copies into the same database from running at once (a number of this site's own).</summary>
    private const long CopyLock = 0x48656A_436F7079;

    public static async Task<int> RunCommandAsync(IServiceProvider services, string[] args, TextWriter output)
    {
        if (args is not ["copy-database", "--to", var target] || string.IsNullOrWhiteSpace(target))
        {
            await output.WriteLineAsync(Usage);
            return BadArguments;
        }
        var source = services.GetRequiredService<SurveyConnection>();
        if (source.Provider != DatabaseProvider.Sqlite)
        {
            await output.WriteLineAsync("copy-database copies a SQLite site, and this site is configured for PostgreSQL (Database:Provider). Run it with the SQLite site's configuration.");
            return BadArguments;
        }
        NpgsqlConnectionStringBuilder connectionString;
        try
        {
            connectionString = new NpgsqlConnectionStringBuilder(target);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
        {
            await output.WriteLineAsync($"The target is not a PostgreSQL connection string ({ex.Message}). Give one like \"Host=db.example.se;Database=hejsurvey;Username=hejsurvey;Password=…\".");
            return BadArguments;
        }
        if (string.IsNullOrWhiteSpace(connectionString.Host) || string.IsNullOrWhiteSpace(connectionString.Database))
        {
            await output.WriteLineAsync("The target connection string must name the server (Host=…) and the database (Database=…), e.g. \"Host=db.example.se;Database=hejsurvey;Username=hejsurvey;Password=…\".");
            return BadArguments;
        }
        await using var scope = services.CreateAsyncScope();
        return await CopyAsync(scope.ServiceProvider.GetRequiredService<SurveyDb>(), source, connectionString, output);
    }

    /// <summary>Copies the SQLite site of <paramref name="sourceDb"/> into the target; returns the command's exit code.</summary>
    public static async Task<int> CopyAsync(SurveyDb sourceDb, SurveyConnection source, NpgsqlConnectionStringBuilder target, TextWriter output)
    {
        // The password never goes into the output.
        var where = $"{target.Host}:{target.Port}, database {target.Database}";
        var clock = Stopwatch.StartNew();
        var plan = Plan(sourceDb.Model, PostgresModel());
        if (plan.Unsupported.Count > 0)
        {
            await output.WriteLineAsync($"Nothing was copied: the copy cannot carry {string.Join(", ", plan.Unsupported)}.");
            return Failed;
        }

        // A million responses take longer than a command's usual 30 s to copy and check.
        await using var postgres = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(target.ConnectionString) { CommandTimeout = 0 }.ConnectionString);
        try
        {
            await postgres.OpenAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
        {
            await output.WriteLineAsync($"Could not connect to PostgreSQL at {where}: {Reason(ex)}. Nothing was copied.");
            return Unreachable;
        }

        await using var transaction = await postgres.BeginTransactionAsync(IsolationLevel.ReadCommitted);
        try
        {
            await ExecuteAsync(postgres, transaction, $"SELECT pg_advisory_xact_lock({CopyLock});");
            if (await WhyNotEmptyAsync(postgres, transaction, plan) is { } reason)
            {
                await output.WriteLineAsync($"The target ({where}) is not empty: {reason}. copy-database only copies into an empty database; nothing was changed.");
                return NotEmpty;
            }

            await ExecuteAsync(postgres, transaction, MigrationScript(postgres));
            var later = await PutOffConstraintsAsync(postgres, transaction);

            using var sqlite = source.Open();
            // One read transaction: every table is read at the same moment of the source, even if a site still writes.
            using var snapshot = sqlite.BeginTransaction(deferred: true);
            var counts = new List<(string Table, long Source, long Target, TimeSpan Took)>();
            foreach (var table in plan.Tables)
            {
                var took = Stopwatch.StartNew();
                var copied = CopyTable(sqlite, snapshot, postgres, table);
                counts.Add((table.Name, copied, await CountAsync(postgres, transaction, table.Name), took.Elapsed));
            }
            var checking = Stopwatch.StartNew();
            foreach (var statement in later)
            {
                await ExecuteAsync(postgres, transaction, statement);
            }
            await ResetIdentitiesAsync(postgres, transaction, plan);
            await ExecuteAsync(postgres, transaction, $"ANALYZE {string.Join(", ", plan.Tables.Select(t => $"\"{t.Name}\""))};");
            var indexed = checking.Elapsed;

            var differences = await TallyDifferencesAsync(postgres, transaction);
            await output.WriteLineAsync($"{"table",-22} {"source",12} {"target",12} {"seconds",8}");
            foreach (var (table, sourceRows, targetRows, took) in counts)
            {
                await output.WriteLineAsync($"{table,-22} {sourceRows,12:N0} {targetRows,12:N0} {took.TotalSeconds,8:F1}");
            }
            await output.WriteLineAsync($"Indexes and references checked in {indexed.TotalSeconds:F1} s, tallies recounted in {(checking.Elapsed - indexed).TotalSeconds:F1} s.");
            var mismatched = counts.Where(c => c.Source != c.Target).Select(c => $"{c.Table}: {c.Source} in the source, {c.Target} in the target").ToList();
            differences.InsertRange(0, mismatched);
            if (differences.Count > 0)
            {
                await transaction.RollbackAsync();
                await output.WriteLineAsync($"The copy does not match the source ({differences.Count} differences):");
                foreach (var difference in differences.Take(20))
                {
                    await output.WriteLineAsync($"  {difference}");
                }
                if (differences.Count > 20)
                {
                    await output.WriteLineAsync($"  … and {differences.Count - 20} more.");
                }
                await output.WriteLineAsync("Everything was rolled back: the target is as empty as before.");
                return Failed;
            }
            var keys = KeyCertificates(sqlite, snapshot);
            snapshot.Commit();
            await transaction.CommitAsync();

            await output.WriteLineAsync($"Copied into {where} in {clock.Elapsed.TotalSeconds:F1} s; the tallies and response counts equal a recount of the answers.");
            await output.WriteLineAsync(KeyAdvice(keys));
            return Copied;
        }
        // Anything the source's rows or the target may throw (an odd value in a loosely typed SQLite column, a key that
        // cannot be read): the transaction is rolled back either way, and the operator gets a sentence, not a stack.
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await output.WriteLineAsync($"The copy into {where} failed and was rolled back, so the target is as before: {Reason(ex)}.");
            return Failed;
        }
    }

    /// <summary>The PostgreSQL model (compiled), for table and column names and the target's column types.</summary>
    private static IModel PostgresModel()
    {
        using var db = new PostgresSurveyDb(new DbContextOptionsBuilder<PostgresSurveyDb>().UseNpgsql("Host=localhost").Options);
        return db.Model;
    }

    /// <summary>The tables of the model in an order that puts every referenced table before the tables that refer to it.</summary>
    internal static CopyPlan Plan(IModel sqliteModel, IModel postgresModel)
    {
        var unsupported = new List<string>();
        var tables = new List<CopyTable>();
        var remaining = sqliteModel.GetEntityTypes().Where(e => e.GetTableName() is not null).ToList();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        while (remaining.Count > 0)
        {
            var next = remaining
                .Where(e => e.GetForeignKeys().All(fk => fk.PrincipalEntityType == e || placed.Contains(fk.PrincipalEntityType.Name)))
                .OrderBy(e => e.GetTableName(), StringComparer.Ordinal)
                .FirstOrDefault() ?? throw new InvalidOperationException("The tables refer to each other in a circle; the copy cannot order them.");
            remaining.Remove(next);
            placed.Add(next.Name);
            var onPostgres = postgresModel.FindEntityType(next.Name)
                ?? throw new InvalidOperationException($"{next.DisplayName()} is not in the PostgreSQL model.");
            var name = next.GetTableName()!;
            var table = StoreObjectIdentifier.Table(name, next.GetSchema());
            var postgresTable = StoreObjectIdentifier.Table(onPostgres.GetTableName()!, onPostgres.GetSchema());
            var columns = new List<CopyColumn>();
            foreach (var property in next.GetProperties())
            {
                var target = onPostgres.FindProperty(property.Name)!;
                var kind = Kind(target.GetTypeMapping());
                if (kind is null)
                {
                    unsupported.Add($"{name}.{property.Name} ({property.ClrType.Name})");
                    continue;
                }
                columns.Add(new CopyColumn(property.GetColumnName(table)!, target.GetColumnName(postgresTable)!, kind.Value));
            }
            var key = next.FindPrimaryKey()?.Properties.Select(p => p.GetColumnName(table)!).ToList() ?? [];
            tables.Add(new CopyTable(name, columns, key));
        }
        return new CopyPlan(tables, unsupported);
    }

    /// <summary>How a column travels in PostgreSQL's binary COPY, by the type the target stores; null when the copy cannot carry it.</summary>
    private static NpgsqlDbType? Kind(CoreTypeMapping mapping)
    {
        var type = Nullable.GetUnderlyingType(mapping.Converter?.ProviderClrType ?? mapping.ClrType) ?? mapping.Converter?.ProviderClrType ?? mapping.ClrType;
        var storeType = (mapping as RelationalTypeMapping)?.StoreType ?? "";
        return type switch
        {
            _ when type == typeof(int) => NpgsqlDbType.Integer,
            _ when type == typeof(long) => NpgsqlDbType.Bigint,
            _ when type == typeof(bool) => NpgsqlDbType.Boolean,
            _ when type == typeof(double) => NpgsqlDbType.Double,
            _ when type == typeof(Guid) => NpgsqlDbType.Uuid,
            _ when type == typeof(DateOnly) => NpgsqlDbType.Date,
            _ when type == typeof(DateTime) && storeType.StartsWith("timestamp with time zone", StringComparison.Ordinal) => NpgsqlDbType.TimestampTz,
            _ when type == typeof(string) => storeType.StartsWith("character varying", StringComparison.Ordinal) ? NpgsqlDbType.Varchar : NpgsqlDbType.Text,
            _ => null,
        };
    }

    private static async Task<string?> WhyNotEmptyAsync(NpgsqlConnection postgres, NpgsqlTransaction transaction, CopyPlan plan)
    {
        var present = new List<string>();
        await using (var command = new NpgsqlCommand("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = ANY(@names)", postgres, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]>("names", [HistoryRepository.DefaultTableName, .. plan.Tables.Select(t => t.Name)]));
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                present.Add(reader.GetString(0));
            }
        }
        if (present.Count == 0)
        {
            return null;
        }
        if (present.Contains(HistoryRepository.DefaultTableName))
        {
            return "it already has this site's migrations (__EFMigrationsHistory)";
        }
        var rows = new List<string>();
        foreach (var table in present.Order(StringComparer.Ordinal))
        {
            rows.Add($"{table} ({await CountAsync(postgres, transaction, table):N0} rows)");
        }
        return $"it already has tables of this site: {string.Join(", ", rows)}";
    }

    /// <summary>Every PostgreSQL migration as one script, run in the copy's transaction (EF Core's Migrate would commit on its own).</summary>
    private static string MigrationScript(NpgsqlConnection postgres)
    {
        using var db = new PostgresSurveyDb(new DbContextOptionsBuilder<PostgresSurveyDb>().UseNpgsql(postgres).Options);
        return db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.NoTransactions);
    }

    /// <summary>
    /// Drops the references between tables and the indexes other than primary keys, and returns the statements that
    /// make them again, exactly as the migrations made them. Checking a reference for each of twenty million answers
    /// as it arrives costs far more than one check of the whole table afterwards, and an index is built faster at once
    /// than row by row; the unique indexes check their rows all the same when they are built.
    /// </summary>
    private static async Task<List<string>> PutOffConstraintsAsync(NpgsqlConnection postgres, NpgsqlTransaction transaction)
    {
        var drop = new List<string>();
        var later = new List<string>();
        await using (var references = new NpgsqlCommand(
            "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace ORDER BY 1, 2",
            postgres, transaction))
        await using (var reader = await references.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                drop.Add($"ALTER TABLE {reader.GetString(0)} DROP CONSTRAINT {reader.GetString(1)};");
                later.Add($"ALTER TABLE {reader.GetString(0)} ADD CONSTRAINT {reader.GetString(1)} {reader.GetString(2)};");
            }
        }
        var indexes = new List<string>();
        await using (var found = new NpgsqlCommand(
            """
            SELECT quote_ident(indexname), indexdef FROM pg_catalog.pg_indexes
            WHERE schemaname = current_schema() AND indexname NOT IN (SELECT conname FROM pg_catalog.pg_constraint WHERE connamespace = current_schema()::regnamespace)
            ORDER BY 1
            """,
            postgres, transaction))
        await using (var reader = await found.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                drop.Add($"DROP INDEX {reader.GetString(0)};");
                indexes.Add($"{reader.GetString(1)};");
            }
        }
        foreach (var statement in drop)
        {
            await ExecuteAsync(postgres, transaction, statement);
        }
        return [.. indexes, .. later];
    }

    private static long CopyTable(SqliteConnection sqlite, SqliteTransaction snapshot, NpgsqlConnection postgres, CopyTable table)
    {
        using var read = sqlite.CreateCommand();
        read.Transaction = snapshot;
        // In key order: SQLite reads its WITHOUT ROWID tables that way anyway, and PostgreSQL fills its indexes in order.
        read.CommandText = $"SELECT {string.Join(", ", table.Columns.Select(c => $"\"{c.Source}\""))} FROM \"{table.Name}\""
            + (table.Key.Count > 0 ? $" ORDER BY {string.Join(", ", table.Key.Select(k => $"\"{k}\""))}" : "");
        using var reader = read.ExecuteReader();
        using var copy = postgres.BeginBinaryImport(
            $"COPY \"{table.Name}\" ({string.Join(", ", table.Columns.Select(c => $"\"{c.Target}\""))}) FROM STDIN (FORMAT BINARY)");
        var rows = 0L;
        while (reader.Read())
        {
            copy.StartRow();
            for (var i = 0; i < table.Columns.Count; i++)
            {
                if (reader.IsDBNull(i))
                {
                    copy.WriteNull();
                    continue;
                }
                var kind = table.Columns[i].Kind;
                switch (kind)
                {
                    case NpgsqlDbType.Integer:
                        copy.Write(reader.GetInt32(i), kind);
                        break;
                    case NpgsqlDbType.Bigint:
                        copy.Write(reader.GetInt64(i), kind);
                        break;
                    case NpgsqlDbType.Boolean:
                        copy.Write(reader.GetBoolean(i), kind);
                        break;
                    case NpgsqlDbType.Double:
                        copy.Write(reader.GetDouble(i), kind);
                        break;
                    case NpgsqlDbType.Uuid:
                        copy.Write(reader.GetGuid(i), kind);
                        break;
                    case NpgsqlDbType.Date:
                        copy.Write(reader.GetFieldValue<DateOnly>(i), kind);
                        break;
                    case NpgsqlDbType.TimestampTz:
                        // SQLite keeps times as text without a zone; every time this site stores is UTC.
                        copy.Write(DateTime.SpecifyKind(reader.GetDateTime(i), DateTimeKind.Utc), kind);
                        break;
                    default:
                        copy.Write(reader.GetString(i), kind);
                        break;
                }
            }
            rows++;
        }
        copy.Complete();
        return rows;
    }

    /// <summary>Moves every identity sequence past the largest copied id, so that the next round, response or admin gets a new one.</summary>
    private static async Task ResetIdentitiesAsync(NpgsqlConnection postgres, NpgsqlTransaction transaction, CopyPlan plan)
    {
        var identities = new List<(string Table, string Column)>();
        await using (var find = new NpgsqlCommand(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES' AND table_name = ANY(@names)",
            postgres, transaction))
        {
            find.Parameters.Add(new NpgsqlParameter<string[]>("names", [.. plan.Tables.Select(t => t.Name)]));
            await using var reader = await find.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                identities.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        foreach (var (table, column) in identities)
        {
            await ExecuteAsync(postgres, transaction,
                $"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), COALESCE((SELECT max(\"{column}\") FROM \"{table}\"), 0) + 1, false);");
        }
    }

    /// <summary>
    /// Recounts every round's tallies and response count from the answers now in the target, with the response writer's
    /// own rules, and lists every cell where the copied tallies (with any pending rows of a running site) say something else.
    /// </summary>
    internal static async Task<List<string>> TallyDifferencesAsync(NpgsqlConnection postgres, NpgsqlTransaction transaction)
    {
        var differences = new List<string>();
        var questionnaires = new Dictionary<int, QuestionnaireDefinition>();
        var rounds = new Dictionary<int, (string Slug, int QuestionnaireId, long ResponseCount)>();
        await using (var read = new NpgsqlCommand("""SELECT "Id", "Definition" FROM "Questionnaires" WHERE "Id" IN (SELECT "QuestionnaireId" FROM "Rounds")""", postgres, transaction))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                questionnaires[reader.GetInt32(0)] = QuestionnaireDefinition.Parse(reader.GetString(1));
            }
        }
        await using (var read = new NpgsqlCommand("""SELECT "Id", "Slug", "QuestionnaireId", "ResponseCount" FROM "Rounds" """, postgres, transaction))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rounds[reader.GetInt32(0)] = (reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3));
            }
        }

        var answerCounts = new Dictionary<(int Round, string Group, string Question, int Value), long>();
        var themeSums = new Dictionary<(int Round, string Group, string Theme), (long N, double Sum, double Squares)>();
        var responses = rounds.Keys.ToDictionary(id => id, _ => 0L);
        var answers = new Dictionary<string, int>();
        var questionKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        (long Id, int Round) current = (-1, 0);
        void Count()
        {
            if (current.Id < 0)
            {
                return;
            }
            responses[current.Round]++;
            var questionnaire = questionnaires[rounds[current.Round].QuestionnaireId];
            if (questionnaire.Background.FirstOrDefault(b => !answers.ContainsKey(b.Key)) is { } missing)
            {
                differences.Add($"response {current.Id} of {rounds[current.Round].Slug} has no answer to {missing.Key}");
                return;
            }
            ResponseWriter.Tally(new SubmittedResponse(current.Round, questionnaire, "", Guid.Empty, answers, null), answerCounts, themeSums);
        }
        // Responses without answers count too (as responses with nothing to tally), hence the outer join.
        await using (var export = await postgres.BeginBinaryExportAsync(
            """COPY (SELECT r."Id", r."RoundId", a."QuestionKey", a."Value" FROM "Responses" r LEFT JOIN "Answers" a ON a."ResponseId" = r."Id" ORDER BY r."Id") TO STDOUT (FORMAT BINARY)"""))
        {
            while (await export.StartRowAsync() != -1)
            {
                var id = await export.ReadAsync<long>(NpgsqlDbType.Bigint);
                var round = await export.ReadAsync<int>(NpgsqlDbType.Integer);
                if (id != current.Id)
                {
                    Count();
                    answers.Clear();
                    current = (id, round);
                }
                if (export.IsNull)
                {
                    await export.SkipAsync();
                    await export.SkipAsync();
                    continue;
                }
                var question = await export.ReadAsync<string>(NpgsqlDbType.Varchar);
                // The same few dozen keys a million times over: one string each.
                if (!questionKeys.TryGetValue(question, out var known))
                {
                    questionKeys[question] = known = question;
                }
                answers[known] = await export.ReadAsync<int>(NpgsqlDbType.Integer);
            }
            Count();
        }

        foreach (var (id, (slug, _, stored)) in rounds.OrderBy(r => r.Key))
        {
            if (stored != responses[id])
            {
                differences.Add($"{slug}: the round says {stored} responses, and {responses[id]} are stored");
            }
        }
        var storedCells = new HashSet<(int, string, string, int)>();
        await using (var read = new NpgsqlCommand($"{PostgresTallies.AnswerCells} ORDER BY 1, 2, 3, 4", postgres, transaction))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var cell = (reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3));
                var count = reader.GetInt64(4);
                storedCells.Add(cell);
                if (answerCounts.GetValueOrDefault(cell) != count)
                {
                    differences.Add($"{Slug(rounds, cell.Item1)} answers {Group(cell.Item2)} {cell.Item3}={cell.Item4}: the tally says {count}, the answers {answerCounts.GetValueOrDefault(cell)}");
                }
            }
        }
        foreach (var (cell, count) in answerCounts.Where(c => !storedCells.Contains(c.Key)).OrderBy(c => c.Key))
        {
            differences.Add($"{Slug(rounds, cell.Round)} answers {Group(cell.Group)} {cell.Question}={cell.Value}: no tally, the answers {count}");
        }
        var storedThemes = new HashSet<(int, string, string)>();
        await using (var read = new NpgsqlCommand($"{PostgresTallies.ThemeCells} ORDER BY 1, 2, 3", postgres, transaction))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var cell = (reader.GetInt32(0), reader.GetString(1), reader.GetString(2));
                storedThemes.Add(cell);
                var (n, sum, squares) = themeSums.GetValueOrDefault(cell);
                // The sums are added in another order than the response writer's batches added them: equal to rounding.
                if (reader.GetInt64(3) != n || !Close(reader.GetDouble(4), sum) || !Close(reader.GetDouble(5), squares))
                {
                    differences.Add($"{Slug(rounds, cell.Item1)} theme {Group(cell.Item2)} {cell.Item3}: the tally says n={reader.GetInt64(3)}, sum={reader.GetDouble(4).ToString("R", CultureInfo.InvariantCulture)}, the answers n={n}, sum={sum.ToString("R", CultureInfo.InvariantCulture)}");
                }
            }
        }
        foreach (var (cell, (n, _, _)) in themeSums.Where(c => !storedThemes.Contains(c.Key)).OrderBy(c => c.Key))
        {
            differences.Add($"{Slug(rounds, cell.Round)} theme {Group(cell.Group)} {cell.Theme}: no tally, the answers n={n}");
        }
        return differences;
    }

    private static bool Close(double stored, double recounted) =>
        Math.Abs(stored - recounted) <= 1e-6 + (1e-9 * Math.Max(Math.Abs(stored), Math.Abs(recounted)));

    private static string Slug(Dictionary<int, (string Slug, int QuestionnaireId, long ResponseCount)> rounds, int id) =>
        rounds.TryGetValue(id, out var round) ? round.Slug : $"round {id}";

    private static string Group(string group) => group.Length == 0 ? "(everyone)" : $"({group})";

    /// <summary>The certificates the copied keys are encrypted with, as named in the keys themselves.</summary>
    private static List<(string Subject, string Thumbprint, int Keys)> KeyCertificates(SqliteConnection sqlite, SqliteTransaction snapshot)
    {
        using var read = sqlite.CreateCommand();
        read.Transaction = snapshot;
        read.CommandText = $"SELECT \"{nameof(DataProtectionKey.Xml)}\" FROM \"DataProtectionKeys\"";
        using var reader = read.ExecuteReader();
        var certificates = new Dictionary<string, (string Subject, int Keys)>(StringComparer.Ordinal);
        while (reader.Read())
        {
            if (reader.IsDBNull(0))
            {
                continue;
            }
            var encoded = XDocument.Parse(reader.GetString(0)).Descendants().FirstOrDefault(e => e.Name.LocalName == "X509Certificate")?.Value;
            if (encoded is null)
            {
                continue;
            }
            using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(encoded));
            var (subject, keys) = certificates.GetValueOrDefault(certificate.Thumbprint, (certificate.Subject, 0));
            certificates[certificate.Thumbprint] = (subject, keys + 1);
        }
        return [.. certificates.Select(c => (c.Value.Subject, c.Key, c.Value.Keys))];
    }

    private static string KeyAdvice(List<(string Subject, string Thumbprint, int Keys)> certificates)
    {
        if (certificates.Count == 0)
        {
            return "There were no Data Protection keys to copy: admins sign in again on the PostgreSQL site.";
        }
        var named = string.Join("; ", certificates.Select(c => $"{c.Subject} (thumbprint {c.Thumbprint}, {c.Keys} keys)"));
        return $"The Data Protection keys were copied still encrypted with this site's certificate: {named}. Give every PostgreSQL node "
            + "that same certificate (DataProtection:CertificatePath, and DataProtection:CertificateKeyPath or DataProtection:CertificatePassword; "
            + "in Development the SQLite site made it beside its database, e.g. App_Data/hejsurvey.keys.pfx), and admins stay signed in and "
            + "forms open in browsers can still be sent. With another certificate the copied keys cannot be read: the site makes new ones, "
            + "admins sign in again and open forms are loaded again. Keep the certificate out of the database's backups.";
    }

    private static async Task ExecuteAsync(NpgsqlConnection postgres, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, postgres, transaction) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(NpgsqlConnection postgres, NpgsqlTransaction transaction, string table)
    {
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM \"{table}\"", postgres, transaction) { CommandTimeout = 0 };
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>The server's own words when it gave some (wrong password, no such database), else the innermost message.</summary>
    private static string Reason(Exception ex)
    {
        if (ex is PostgresException postgres)
        {
            return $"{postgres.MessageText} ({postgres.SqlState})";
        }
        var inner = ex;
        while (inner.InnerException is { } next)
        {
            inner = next;
        }
        return inner == ex ? ex.Message.TrimEnd('.') : $"{ex.Message.TrimEnd('.')} ({inner.Message.TrimEnd('.')})";
    }
}

internal sealed record CopyColumn(string Source, string Target, NpgsqlDbType Kind);

internal sealed record CopyTable(string Name, IReadOnlyList<CopyColumn> Columns, IReadOnlyList<string> Key);

internal sealed record CopyPlan(IReadOnlyList<CopyTable> Tables, IReadOnlyList<string> Unsupported);
