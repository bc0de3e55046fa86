using System.Globalization;
using HejSurvey.Web.Data;
using HejSurvey.Web.Site;
using Microsoft.Data.Sqlite;

namespace HejSurvey.Web.Admin;

/// <summary>
/// GET /admin/backup: a consistent snapshot of the whole database, taken with VACUUM INTO while submissions go on
/// (WAL lets them write while the snapshot reads), sent as a file and deleted as soon as it has been sent.
/// </summary>
public static class DatabaseBackup
{
    public static async Task<IResult> DownloadAsync(HttpContext context, SurveyDb db, SurveyConnection database, TimeProvider clock, ILoggerFactory loggers)
    {
        if (database.Provider != DatabaseProvider.Sqlite)
        {
            // On PostgreSQL backups belong to the database service (pg_dump, point-in-time recovery); /admin/backups says so.
            return Results.NotFound();
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var path = Path.Combine(Path.GetTempPath(), $"hejsurvey-backup-{Guid.NewGuid():N}.db");
        try
        {
            await SnapshotAsync(database, path, context.RequestAborted);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        // Deleted when the stream closes, whether the download finishes or the client goes away.
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        db.Audit(now, context.User.AdminName(), AuditAction.Backup, $"{file.Length.ToString(CultureInfo.InvariantCulture)} bytes");
        await db.SaveChangesAsync(context.RequestAborted);
        loggers.CreateLogger(typeof(DatabaseBackup)).LogInformation("Backup of {Bytes} bytes taken by {Admin}.", file.Length, context.User.AdminName());
        context.Response.Headers.CacheControl = "no-store";
        var name = $"hejsurvey-{SwedishTime.FromUtc(now).ToString("yyyy-MM-dd-HHmmss", CultureInfo.InvariantCulture)}.db";
        return Results.Stream(file, "application/vnd.sqlite3", name);
    }

    /// <summary>
    /// Writes a consistent copy of the database to <paramref name="path"/>, which must not exist, without the Data
    /// Protection keys: they are encrypted with a certificate the backup does not hold, and leaving them out as well
    /// means a backup carries nothing that ever signed a cookie. A restored backup makes new keys (admins sign in again).
    /// </summary>
    public static async Task SnapshotAsync(SurveyConnection database, string path, CancellationToken cancellationToken)
    {
        await using (var connection = database.Open())
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "VACUUM INTO $path;";
            command.Parameters.AddWithValue("$path", path);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await copy.OpenAsync(cancellationToken);
        await using var strip = copy.CreateCommand();
        // secure_delete overwrites the freed pages with zeros, so the keys cannot be read back out of the file either.
        strip.CommandText = "PRAGMA journal_mode=MEMORY; PRAGMA secure_delete=ON; DELETE FROM DataProtectionKeys;";
        await strip.ExecuteNonQueryAsync(cancellationToken);
    }
}
