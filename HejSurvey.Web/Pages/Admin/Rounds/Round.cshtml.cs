using System.Globalization;
using System.Linq.Expressions;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using HejSurvey.Web.OpenResults;
using HejSurvey.Web.Site;
using HejSurvey.Web.Survey;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace HejSurvey.Web.Pages.Admin.Rounds;

/// <summary>
/// One round: open it (or give a draft an opening time), set its close time, close it (from the confirmation page only),
/// publish its results, turn live results on and off, change its titles and its response target. Each change
/// is one conditional UPDATE (so two admins, the round closer and the response writer never undo each other),
/// audited in the same transaction, answered with 409 when the round is not in a state that allows it.
/// A closed round never reopens. The response writer reads the state inside its own write transaction, so a
/// submission racing with a close is either stored before it or refused after it.
/// </summary>
public sealed partial class RoundModel(SurveyDb db, SiteChanges changes, TimeProvider clock, IStringLocalizer<Text> text, IOptions<SurveyOptions> options) : PageModel
{
    /// <summary>The live-results policy in force, stated beside the switch.</summary>
    public SurveyOptions Options => options.Value;

    public const string DoneKey = "AdminDone";

    public Round Round { get; private set; } = null!;
    public string Questionnaire { get; private set; } = "";
    public IReadOnlyList<DayCount> Days { get; private set; } = [];

    /// <summary>Why the last change was refused (shown with 409).</summary>
    public string? Refused { get; private set; }

    public string? CloseTimeError { get; private set; }
    public string? OpenTimeError { get; private set; }
    public string? TitleSvError { get; private set; }
    public string? TitleEnError { get; private set; }
    public string? TargetError { get; private set; }

    /// <summary>The page answers a refused change or a field that needs correcting (its title says so).</summary>
    public bool HasError => Refused is not null || CloseTimeError is not null || OpenTimeError is not null || TitleSvError is not null || TitleEnError is not null || TargetError is not null || SummaryErrors.Count > 0;

    /// <summary>The survey's full address for the public, from Site:PublicOrigin (never from the Host header when it is set).</summary>
    public string SurveyUrl => SurveyQrCode.Address(HttpContext, Round.Slug);

    [TempData(Key = DoneKey)]
    public string? Done { get; set; }

    /// <summary>The close time as typed, in Swedish time; empty for no planned close.</summary>
    [BindProperty]
    public DateTime? ClosesAt { get; set; }

    /// <summary>The opening time of a draft as typed, in Swedish time; empty for opening by hand.</summary>
    [BindProperty]
    public DateTime? OpensAt { get; set; }

    [BindProperty]
    public string? TitleSv { get; set; }

    [BindProperty]
    public string? TitleEn { get; set; }

    /// <summary>The number of responses hoped for; empty for none.</summary>
    [BindProperty]
    public int? Target { get; set; }

    public const int MaxTarget = 10_000_000;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken) =>
        await LoadAsync(slug, cancellationToken) ? Page() : NotFound();

    public Task<IActionResult> OnPostOpenAsync(string slug, CancellationToken cancellationToken)
    {
        var now = Now;
        return ChangeAsync(slug, AuditAction.RoundOpened, null,
            r => r.State == RoundState.Draft && (r.ClosesAt == null || r.ClosesAt > now),
            s => s.SetProperty(r => r.State, RoundState.Open).SetProperty(r => r.OpenedAt, now),
            text["Omgången är öppen och tar emot svar."],
            text["Omgången kunde inte öppnas: bara ett utkast kan öppnas, och dess stängningstid måste ligga i framtiden. En stängd omgång öppnas aldrig igen."],
            cancellationToken);
    }

    /// <summary>Closes the round, but only from the confirmation page: any other post of it goes there and changes nothing.</summary>
    public async Task<IActionResult> OnPostCloseAsync(string slug, bool confirmed, CancellationToken cancellationToken)
    {
        if (!confirmed)
        {
            return RedirectToPage("/Admin/Rounds/Close", new { slug });
        }
        var now = Now;
        return await ChangeAsync(slug, AuditAction.RoundClosed, null,
            r => r.State == RoundState.Open,
            s => s.SetProperty(r => r.State, RoundState.Closed).SetProperty(r => r.ClosedAt, now),
            text["Omgången är stängd. Den tar inte emot fler svar och kan inte öppnas igen."],
            text["Omgången kunde inte stängas: bara en öppen omgång kan stängas."],
            cancellationToken);
    }

    public async Task<IActionResult> OnPostClosesAtAsync(string slug, CancellationToken cancellationToken)
    {
        var now = Now;
        var closesAt = ClosesAt is { } typed ? SwedishTime.ToUtc(typed) : null;
        // A value that is not a time at all binds as null: it must not read as "no planned close".
        var unreadable = ModelState.GetFieldValidationState(nameof(ClosesAt)) == ModelValidationState.Invalid;
        if (unreadable || (ClosesAt is not null && (closesAt is null || closesAt <= now)))
        {
            if (!await LoadAsync(slug, cancellationToken))
            {
                return NotFound();
            }
            CloseTimeError = text["Stängningstiden måste vara en tid i framtiden (svensk tid)."];
            return Page();
        }
        var opensAt = await db.Rounds.Where(r => r.Slug == slug).Select(r => r.OpensAt).FirstOrDefaultAsync(cancellationToken);
        if (closesAt is not null && opensAt is not null && closesAt <= opensAt)
        {
            if (!await LoadAsync(slug, cancellationToken))
            {
                return NotFound();
            }
            CloseTimeError = text["Stängningstiden måste ligga efter öppningstiden, {0} (svensk tid).", SwedishTime.Format(opensAt)];
            return Page();
        }
        return await ChangeAsync(slug, AuditAction.RoundClosesAt, closesAt is null ? "no planned close" : $"closes {closesAt:yyyy-MM-dd HH:mm} UTC",
            // An open round whose close time has passed is closed already, even before the closer has noticed.
            r => (r.State == RoundState.Draft && (closesAt == null || r.OpensAt == null || r.OpensAt < closesAt))
                || (r.State == RoundState.Open && (r.ClosesAt == null || r.ClosesAt > now)),
            s => s.SetProperty(r => r.ClosesAt, closesAt),
            closesAt is null ? text["Omgången har ingen planerad stängningstid."] : text["Omgången stänger {0} (svensk tid).", SwedishTime.Format(closesAt)],
            text["Stängningstiden kan inte ändras: omgången är redan stängd."],
            cancellationToken);
    }

    /// <summary>
    /// A draft's opening time: the round closer opens it then, as it closes rounds at their close time. It must lie in
    /// the future and before the close time; an open or closed round has no opening time to change.
    /// </summary>
    public async Task<IActionResult> OnPostOpensAtAsync(string slug, CancellationToken cancellationToken)
    {
        var now = Now;
        var opensAt = OpensAt is { } typed ? SwedishTime.ToUtc(typed) : null;
        var unreadable = ModelState.GetFieldValidationState(nameof(OpensAt)) == ModelValidationState.Invalid;
        var closesAt = await db.Rounds.Where(r => r.Slug == slug).Select(r => r.ClosesAt).FirstOrDefaultAsync(cancellationToken);
        var error = unreadable || (OpensAt is not null && (opensAt is null || opensAt <= now))
            ? text["Öppningstiden måste vara en tid i framtiden (svensk tid)."]
            : opensAt is not null && closesAt is not null && opensAt >= closesAt
                ? text["Öppningstiden måste ligga före stängningstiden, {0} (svensk tid).", SwedishTime.Format(closesAt)]
                : null;
        if (error is not null)
        {
            if (!await LoadAsync(slug, cancellationToken))
            {
                return NotFound();
            }
            OpenTimeError = error;
            return Page();
        }
        return await ChangeAsync(slug, AuditAction.RoundOpensAt, opensAt is null ? "no planned opening" : string.Create(CultureInfo.InvariantCulture, $"opens {opensAt:yyyy-MM-dd HH:mm} UTC"),
            r => r.State == RoundState.Draft && (opensAt == null || r.ClosesAt == null || r.ClosesAt > opensAt),
            s => s.SetProperty(r => r.OpensAt, opensAt),
            opensAt is null ? text["Omgången har ingen planerad öppningstid. Den öppnas när du öppnar den."] : text["Omgången öppnas {0} (svensk tid).", SwedishTime.Format(opensAt)],
            text["Öppningstiden kan inte ändras: bara ett utkast kan få en öppningstid."],
            cancellationToken);
    }

    /// <summary>Both titles at once; the audit entry keeps what they became.</summary>
    public async Task<IActionResult> OnPostTitlesAsync(string slug, CancellationToken cancellationToken)
    {
        var sv = TitleSv?.Trim() ?? "";
        var en = TitleEn?.Trim() ?? "";
        static string? Check(string title, string missing, string tooLong) => title.Length == 0 ? missing : title.Length > 200 ? tooLong : null;
        TitleSvError = Check(sv, text["Skriv omgångens rubrik på svenska."], text["Rubriken på svenska får vara högst 200 tecken."]);
        TitleEnError = Check(en, text["Skriv omgångens rubrik på engelska."], text["Rubriken på engelska får vara högst 200 tecken."]);
        if (TitleSvError is not null || TitleEnError is not null)
        {
            var (typedSv, typedEn) = (TitleSv, TitleEn);
            if (!await LoadAsync(slug, cancellationToken))
            {
                return NotFound();
            }
            (TitleSv, TitleEn) = (typedSv, typedEn);
            return Page();
        }
        return await ChangeAsync(slug, AuditAction.RoundTitles, $"titles \"{sv}\" / \"{en}\"",
            r => true,
            s => s.SetProperty(r => r.TitleSv, sv).SetProperty(r => r.TitleEn, en),
            text["Rubrikerna är sparade."],
            text["Rubrikerna kunde inte sparas."],
            cancellationToken);
    }

    /// <summary>The response target the dashboard measures progress against; empty removes it.</summary>
    public async Task<IActionResult> OnPostTargetAsync(string slug, CancellationToken cancellationToken)
    {
        var unreadable = ModelState.GetFieldValidationState(nameof(Target)) == ModelValidationState.Invalid;
        if (unreadable || Target is < 1 or > MaxTarget)
        {
            if (!await LoadAsync(slug, cancellationToken))
            {
                return NotFound();
            }
            TargetError = text["Målet måste vara ett heltal från 1 till {0}, eller tomt.", MaxTarget.ToString("N0", CultureInfo.CurrentCulture)];
            return Page();
        }
        var target = Target;
        return await ChangeAsync(slug, AuditAction.RoundTarget, target is null ? "no target" : string.Create(CultureInfo.InvariantCulture, $"target {target}"),
            r => true,
            s => s.SetProperty(r => r.ResponseTarget, target),
            target is null ? text["Omgången har inget mål för antalet svar."] : text["Målet är {0} svar.", target.Value.ToString("N0", CultureInfo.CurrentCulture)],
            text["Målet kunde inte sparas."],
            cancellationToken);
    }

    /// <summary>
    /// Publishes the results. The first publication's time is stored and kept: withdrawing and publishing again
    /// does not move the date that citations and link previews carry.
    /// </summary>
    public Task<IActionResult> OnPostPublishAsync(string slug, CancellationToken cancellationToken)
    {
        var now = Now;
        return ChangeAsync(slug, AuditAction.ResultsPublished, null,
            r => r.State != RoundState.Draft && !r.IsPublished,
            s => s.SetProperty(r => r.IsPublished, true).SetProperty(r => r.PublishedAt, r => r.PublishedAt ?? now),
            text["Resultaten är publicerade. De syns för alla när omgången är stängd, eller redan nu om resultat under pågående omgång är påslaget."],
            text["Resultaten kunde inte publiceras: de är redan publicerade, eller så har omgången inte öppnats."],
            cancellationToken);
    }

    public Task<IActionResult> OnPostUnpublishAsync(string slug, CancellationToken cancellationToken) =>
        ChangeAsync(slug, AuditAction.ResultsUnpublished, null,
            r => r.IsPublished,
            s => s.SetProperty(r => r.IsPublished, false),
            text["Resultaten är inte längre publicerade."],
            text["Resultaten är inte publicerade."],
            cancellationToken);

    /// <summary>Live results on or off; a post that says neither (a missing or garbled "on") changes nothing.</summary>
    public async Task<IActionResult> OnPostLiveAsync(string slug, bool? on, CancellationToken cancellationToken) =>
        on is not { } turnOn ? BadRequest() : await LiveAsync(slug, turnOn, cancellationToken);

    private Task<IActionResult> LiveAsync(string slug, bool on, CancellationToken cancellationToken) =>
        ChangeAsync(slug, on ? AuditAction.LiveResultsOn : AuditAction.LiveResultsOff, null,
            r => r.State != RoundState.Closed && r.LiveResults != on,
            s => s.SetProperty(r => r.LiveResults, on),
            on ? text["Resultat under pågående omgång är påslaget."] : text["Resultat under pågående omgång är avslaget."],
            text["Det gick inte: resultat under pågående omgång är redan så, eller så är omgången stängd."],
            cancellationToken);

    private async Task<IActionResult> ChangeAsync(
        string slug,
        string action,
        string? detail,
        Expression<Func<Round, bool>> allowed,
        Action<UpdateSettersBuilder<Round>> change,
        string done,
        string refused,
        CancellationToken cancellationToken)
    {
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var changed = await db.Rounds.Where(r => r.Slug == slug).Where(allowed).ExecuteUpdateAsync(change, cancellationToken);
            if (changed == 1)
            {
                db.Audit(Now, User.AdminName(), action, detail is null ? slug : $"{slug}: {detail}");
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                await changes.RoundChangedAsync(slug);
                Done = done;
                return RedirectToPage(new { slug });
            }
        }
        if (!await LoadAsync(slug, cancellationToken))
        {
            return NotFound();
        }
        Refused = refused;
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    private async Task<bool> LoadAsync(string slug, CancellationToken cancellationToken)
    {
        if (await db.Rounds.AsNoTracking().Include(r => r.Questionnaire).SingleOrDefaultAsync(r => r.Slug == slug, cancellationToken) is not { } round)
        {
            return false;
        }
        Round = round;
        Questionnaire = $"{round.Questionnaire!.Key} v{round.Questionnaire.Version}";
        ClosesAt = round.ClosesAt is { } closes ? SwedishTime.FromUtc(closes) : null;
        OpensAt = round.OpensAt is { } opens ? SwedishTime.FromUtc(opens) : null;
        (TitleSv, TitleEn, Target) = (round.TitleSv, round.TitleEn, round.ResponseTarget);
        if (SummaryErrors.Count == 0)
        {
            Summary = new SummaryInput { Sv = round.SummarySv, En = round.SummaryEn };
        }
        Days = await db.Responses.AsNoTracking()
            .Where(r => r.RoundId == round.Id)
            .GroupBy(r => r.SubmittedOn)
            .OrderBy(g => g.Key)
            .Select(g => new DayCount(g.Key, g.Count()))
            .ToListAsync(cancellationToken);
        return true;
    }
}
