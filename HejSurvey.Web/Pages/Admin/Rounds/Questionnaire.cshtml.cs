using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using HejSurvey.Web.Site;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace HejSurvey.Web.Pages.Admin.Rounds;

/// <summary>
/// Binds a draft round to another final questionnaire version. One conditional UPDATE, so a round that is opened at the
/// same moment keeps the version it opened with; refused with 409 otherwise.
/// </summary>
public sealed class QuestionnaireModel(SurveyDb db, SiteChanges changes, TimeProvider clock, IStringLocalizer<Text> text) : PageModel
{
    public string Slug { get; private set; } = "";

    public string Refused { get; private set; } = "";

    public IActionResult OnGet(string slug) => RedirectToPage("/Admin/Rounds/Round", new { slug });

    public async Task<IActionResult> OnPostAsync(string slug, int? questionnaireId, CancellationToken cancellationToken)
    {
        Slug = slug;
        if (!await db.Rounds.AnyAsync(r => r.Slug == slug, cancellationToken))
        {
            return NotFound();
        }
        var version = questionnaireId is { } id
            ? await db.Questionnaires.AsNoTracking().Where(q => q.Id == id && q.IsFinal).Select(q => new { q.Id, q.Key, q.Version }).SingleOrDefaultAsync(cancellationToken)
            : null;
        if (version is null)
        {
            return Refuse(text["Välj en slutlig version av enkäten."]);
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var changed = await db.Rounds.Where(r => r.Slug == slug && r.State == RoundState.Draft)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.QuestionnaireId, version.Id), cancellationToken);
        if (changed != 1)
        {
            return Refuse(text["Versionen kan inte bytas: omgången har öppnats, och svaren gäller just den här versionen."]);
        }
        db.Audit(clock.GetUtcNow().UtcDateTime, User.AdminName(), AuditAction.RoundQuestionnaire, $"{slug}: {version.Key} v{version.Version}");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await changes.RoundChangedAsync(slug);
        TempData[RoundModel.DoneKey] = text["Omgången använder nu {0} version {1}.", version.Key, version.Version].Value;
        return RedirectToPage("/Admin/Rounds/Round", new { slug });
    }

    private PageResult Refuse(string why)
    {
        Refused = why;
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }
}
