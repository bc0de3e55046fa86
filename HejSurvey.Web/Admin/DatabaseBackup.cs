using System.Globalization;
using HejSurvey.Web.Data;
using HejSurvey.Web.Site;

namespace HejSurvey.Web.Admin;

/// <summary>
/// GET /admin/backup: a consistent snapshot of the whole database, taken with VACUUM INTO while submissions go on
/// (WAL lets them write while the snapshot reads), sent as a file and deleted as soon as it has been sent.
/// </summary>
public static class DatabaseBackup
{
    public static async Task<IResult> DownloadAsync(HttpContext context, SurveyDb db, SurveyConnection database, TimeProvider clock, ILoggerFactory loggers)
    {
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

    /// <summary>Writes a consistent copy of the database to <paramref name="path"/>, which must not exist.</summary>
    public static async Task SnapshotAsync(SurveyConnection database, string path, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO $path;";
        command.Parameters.AddWithValue("$path", path);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
