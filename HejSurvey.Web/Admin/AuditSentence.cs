using System.Globalization;
using System.Text.RegularExpressions;
using HejSurvey.Web.Site;
using Microsoft.Extensions.Localization;

namespace HejSurvey.Web.Admin;

/// <summary>
/// An audit entry as a sentence in the admin's language. The log stores a code and a short detail in fixed English
/// words (so that it reads the same in the database whoever wrote it, and entries from earlier versions stay as they
/// were); this reads them back. A detail in a form it does not know is shown as stored, beside the code, so that
/// nothing in the log is ever hidden.
/// </summary>
public static partial class AuditSentence
{
    public static string Describe(IStringLocalizer<Text> text, string action, string? detail)
    {
        var d = detail ?? "";
        LocalizedString? sentence = action switch
        {
            AuditAction.Login when Parse(SessionUntil(), d) is { } m => text["Loggade in. Inloggningen gäller till senast {0}.", Time(m, "until")],
            AuditAction.LoginFailed => d switch
            {
                "unknown name" => text["Misslyckad inloggning: okänt namn."],
                "wrong password" => text["Misslyckad inloggning: fel lösenord."],
                "account locked" => text["Misslyckad inloggning: kontot är låst."],
                _ => null,
            },
            AuditAction.LoginLocked when Parse(LockedUntil(), d) is { } m =>
                text["Kontot låstes till {0} efter {1} misslyckade inloggningar i rad.", Time(m, "until"), Number(m, "count")],
            AuditAction.Logout => text["Loggade ut."],
            AuditAction.SessionsEnded when Parse(EndedByPassword(), d) is { } m => Count(m) == 1
                ? text["En öppen inloggning för {0} avslutades av det nya lösenordet.", m.Groups["name"].Value]
                : text["{0} öppna inloggningar för {1} avslutades av det nya lösenordet.", Number(m, "count"), m.Groups["name"].Value],
            AuditAction.SessionsEnded when Parse(EndedEverywhere(), d) is { } m => Count(m) == 1
                ? text["Loggade ut överallt: en öppen inloggning avslutades."]
                : text["Loggade ut överallt: {0} öppna inloggningar avslutades.", Number(m, "count")],
            AuditAction.SessionExpired when Parse(SessionEnd(), d) is { } m =>
                text["Inloggningen från {0} tog slut vid sin sluttid, {1}.", Time(m, "started"), Time(m, "ended")],
            AuditAction.AdminSaved when d.StartsWith("created ", StringComparison.Ordinal) => text["Administratören {0} skapades.", d["created ".Length..]],
            AuditAction.AdminSaved when d.StartsWith("new password for ", StringComparison.Ordinal) => text["Administratören {0} fick ett nytt lösenord.", d["new password for ".Length..]],
            AuditAction.AdminRemoved when Parse(Removed(), d) is { } m => Count(m) == 1
                ? text["Administratören {0} togs bort, och en öppen inloggning avslutades.", m.Groups["name"].Value]
                : text["Administratören {0} togs bort, och {1} öppna inloggningar avslutades.", m.Groups["name"].Value, Number(m, "count")],
            AuditAction.RoundCreated => text["Omgången {0} skapades som utkast.", d],
            AuditAction.RoundOpened when Parse(RoundOnly(), d) is { } m => m.Groups["rest"].Value switch
            {
                "" => text["Omgången {0} öppnades.", Slug(m)],
                "the opening time has come" => text["Omgången {0} öppnades vid sin öppningstid.", Slug(m)],
                _ => null,
            },
            AuditAction.RoundClosed when Parse(RoundOnly(), d) is { } m => m.Groups["rest"].Value switch
            {
                "" => text["Omgången {0} stängdes.", Slug(m)],
                "the close time has passed" => text["Omgången {0} stängdes vid sin stängningstid.", Slug(m)],
                _ => null,
            },
            AuditAction.RoundClosesAt when Parse(RoundOnly(), d) is { } m => m.Groups["rest"].Value == "no planned close"
                ? text["Omgången {0} har ingen planerad stängningstid längre.", Slug(m)]
                : Parse(Planned(), m.Groups["rest"].Value) is { } at ? text["Omgången {0} stänger {1}.", Slug(m), Time(at, "at")] : null,
            AuditAction.RoundOpensAt when Parse(RoundOnly(), d) is { } m => m.Groups["rest"].Value == "no planned opening"
                ? text["Omgången {0} har ingen planerad öppningstid längre.", Slug(m)]
                : Parse(Planned(), m.Groups["rest"].Value) is { } at ? text["Omgången {0} öppnas {1}.", Slug(m), Time(at, "at")] : null,
            AuditAction.RoundTitles when Parse(Titles(), d) is { } m =>
                text["Omgången {0} fick rubrikerna ”{1}” på svenska och ”{2}” på engelska.", Slug(m), m.Groups["sv"].Value, m.Groups["en"].Value],
            AuditAction.RoundTarget when Parse(RoundOnly(), d) is { } m => m.Groups["rest"].Value == "no target"
                ? text["Omgången {0} har inget mål för antalet svar längre.", Slug(m)]
                : Parse(Target(), m.Groups["rest"].Value) is { } t ? text["Målet för omgången {0} är {1} svar.", Slug(m), Number(t, "count")] : null,
            AuditAction.RoundSummary when Parse(RoundOnly(), d) is { } m && Parse(SummaryLengths(), m.Groups["rest"].Value) is { } l =>
                text["Arrangörernas sammanfattning av {0} sparades: {1} tecken på svenska och {2} på engelska.", Slug(m), Number(l, "sv"), Number(l, "en")],
            AuditAction.RoundQuestionnaire when Parse(RoundOnly(), d) is { } m && Parse(Version(), m.Groups["rest"].Value) is { } v =>
                text["Omgången {0} ställer nu frågorna i {1} version {2}.", Slug(m), v.Groups["key"].Value, v.Groups["version"].Value],
            AuditAction.QuestionnaireCreated when Parse(Version(), d) is { } v && Parse(DraftFrom(), v.Groups["rest"].Value) is { } from =>
                text["Utkastet {0} version {1} skapades från version {2}.", v.Groups["key"].Value, v.Groups["version"].Value, from.Groups["version"].Value],
            AuditAction.QuestionnaireImported when Parse(Version(), d) is { } v && v.Groups["rest"].Value.StartsWith("imported from ", StringComparison.Ordinal) =>
                text["Utkastet {0} version {1} importerades från filen {2}.", v.Groups["key"].Value, v.Groups["version"].Value, v.Groups["rest"].Value["imported from ".Length..]],
            AuditAction.QuestionnaireSaved when Parse(Version(), d) is { } v && !v.Groups["rest"].Success =>
                text["Utkastet {0} version {1} sparades.", v.Groups["key"].Value, v.Groups["version"].Value],
            AuditAction.QuestionnaireFinal when Parse(Version(), d) is { } v && !v.Groups["rest"].Success =>
                text["{0} version {1} gjordes slutgiltig och kan inte längre ändras.", v.Groups["key"].Value, v.Groups["version"].Value],
            AuditAction.ResultsPublished => text["Resultaten av {0} publicerades.", d],
            AuditAction.ResultsUnpublished => text["Resultaten av {0} är inte längre publicerade.", d],
            AuditAction.LiveResultsOn => text["Resultat under pågående omgång slogs på för {0}.", d],
            AuditAction.LiveResultsOff => text["Resultat under pågående omgång slogs av för {0}.", d],
            AuditAction.Download when Parse(Download(), d) is { } m => text["Laddade ner {0} av omgången {1}.", m.Groups["file"].Value, Slug(m)],
            AuditAction.Backup when Parse(Bytes(), d) is { } m => text["Laddade ner en säkerhetskopia på {0} byte.", Number(m, "count")],
            _ => null,
        };
        return sentence?.Value ?? (detail is null ? text["Händelse {0}.", action] : text["Händelse {0}: {1}", action, detail]);
    }

    /// <summary>Who did it: a name, or the site itself (the round closer, the command line).</summary>
    public static string Who(IStringLocalizer<Text> text, string admin) => admin == AuditLog.System ? text["Webbplatsen själv"] : admin;

    private static Match? Parse(Regex pattern, string detail) => pattern.Match(detail) is { Success: true } m ? m : null;

    private static string Slug(Match m) => m.Groups["slug"].Value;

    private static long Count(Match m) => long.Parse(m.Groups["count"].Value, CultureInfo.InvariantCulture);

    private static string Number(Match m, string group) => long.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture).ToString("N0", CultureInfo.CurrentCulture);

    /// <summary>A UTC time as stored, in Swedish time as the rest of the admin pages show it.</summary>
    private static string Time(Match m, string group) =>
        SwedishTime.Format(DateTime.SpecifyKind(DateTime.ParseExact(m.Groups[group].Value, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), DateTimeKind.Utc));

    private const string UtcTime = @"\d{4}-\d{2}-\d{2} \d{2}:\d{2}";

    [GeneratedRegex($@"^session until (?<until>{UtcTime}) UTC$")]
    private static partial Regex SessionUntil();

    [GeneratedRegex($@"^locked until (?<until>{UtcTime}) UTC after (?<count>\d+) failed logins$")]
    private static partial Regex LockedUntil();

    [GeneratedRegex(@"^(?<count>\d+) open sessions of (?<name>.+) ended by the new password$")]
    private static partial Regex EndedByPassword();

    [GeneratedRegex(@"^signed out everywhere: (?<count>\d+) open sessions ended$")]
    private static partial Regex EndedEverywhere();

    [GeneratedRegex($@"^session of (?<started>{UtcTime}) UTC ended at its end, (?<ended>{UtcTime}) UTC$")]
    private static partial Regex SessionEnd();

    [GeneratedRegex(@"^removed (?<name>.+); (?<count>\d+) open sessions ended$")]
    private static partial Regex Removed();

    /// <summary>A slug, then perhaps ": " and what happened to it.</summary>
    [GeneratedRegex(@"^(?<slug>[a-z0-9-]+)(?:: (?<rest>.*))?$")]
    private static partial Regex RoundOnly();

    [GeneratedRegex($@"^(?:closes|opens) (?<at>{UtcTime}) UTC$")]
    private static partial Regex Planned();

    [GeneratedRegex(@"^(?<slug>[a-z0-9-]+): titles ""(?<sv>.*)"" / ""(?<en>.*)""$")]
    private static partial Regex Titles();

    [GeneratedRegex(@"^target (?<count>\d+)$")]
    private static partial Regex Target();

    /// <summary>A questionnaire version ("hej-digitalt v2"), then perhaps ": " and how it came about.</summary>
    [GeneratedRegex(@"^(?<key>[A-Za-z0-9_-]+) v(?<version>\d+)(?:: (?<rest>.*))?$")]
    private static partial Regex Version();

    [GeneratedRegex(@"^draft from v(?<version>\d+)$")]
    private static partial Regex DraftFrom();

    [GeneratedRegex(@"^sv (?<sv>\d+) characters, en (?<en>\d+) characters$")]
    private static partial Regex SummaryLengths();

    [GeneratedRegex(@"^(?<slug>[a-z0-9-]+)/(?<file>[^/]+)$")]
    private static partial Regex Download();

    [GeneratedRegex(@"^(?<count>\d+) bytes$")]
    private static partial Regex Bytes();
}
