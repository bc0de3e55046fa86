using System.Security.Claims;
using HejSurvey.Web.Data;

namespace HejSurvey.Web.Admin;

/// <summary>The actions the audit log records. Stored as these words, so the log stays readable in the database too.</summary>
public static class AuditAction
{
    public const string Login = "login";
    public const string LoginFailed = "login-failed";
    public const string LoginLocked = "login-locked";
    public const string Logout = "logout";
    public const string SessionsEnded = "sessions-ended";
    public const string SessionExpired = "session-expired";
    public const string AdminSaved = "admin-saved";
    public const string AdminRemoved = "admin-removed";
    public const string RoundCreated = "round-created";
    public const string RoundOpened = "round-opened";
    public const string RoundClosed = "round-closed";
    public const string RoundClosesAt = "round-closes-at";
    public const string RoundOpensAt = "round-opens-at";
    public const string RoundTitles = "round-titles";
    public const string RoundTarget = "round-target";
    public const string ResultsPublished = "results-published";
    public const string ResultsUnpublished = "results-unpublished";
    public const string LiveResultsOn = "live-results-on";
    public const string LiveResultsOff = "live-results-off";
    public const string RoundSummary = "round-summary";
    public const string RoundQuestionnaire = "round-questionnaire";
    public const string QuestionnaireCreated = "questionnaire-created";
    public const string QuestionnaireImported = "questionnaire-imported";
    public const string QuestionnaireSaved = "questionnaire-saved";
    public const string QuestionnaireFinal = "questionnaire-final";
    public const string Download = "download";
    public const string Backup = "backup";
}

public static class AuditLog
{
    /// <summary>Who acts when no admin does: the round closer and the command line.</summary>
    public const string System = "(system)";

    /// <summary>Adds an audit entry; it is stored with the caller's next SaveChanges, in the same transaction as the change.</summary>
    public static void Audit(this SurveyDb db, DateTime at, string admin, string action, string? detail = null) =>
        db.AuditEntries.Add(new AuditEntry
        {
            At = at,
            Admin = Truncate(admin, 100),
            Action = action,
            Detail = detail is null ? null : Truncate(detail, 1000),
        });

    public static string AdminName(this ClaimsPrincipal user) => user.Identity?.Name ?? "?";

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
