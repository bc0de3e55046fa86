using System.Text.RegularExpressions;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace HejSurvey.Web.Pages.Admin.Rounds;

/// <summary>Creates a round as a draft, bound to one final questionnaire version.</summary>
public sealed partial class NewModel(SurveyDb db, TimeProvider clock, IStringLocalizer<Text> text) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public IReadOnlyList<SelectListItem> Questionnaires { get; private set; } = [];

    public sealed class InputModel
    {
        public string? Slug { get; set; }
        public string? TitleSv { get; set; }
        public string? TitleEn { get; set; }
        public int QuestionnaireId { get; set; }
    }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadQuestionnairesAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        ModelState.Clear();
        var slug = Input.Slug?.Trim() ?? "";
        var titleSv = Input.TitleSv?.Trim() ?? "";
        var titleEn = Input.TitleEn?.Trim() ?? "";
        if (!SlugPattern().IsMatch(slug) || slug.Length > 64 || slug == "new")
        {
            ModelState.AddModelError("Input.Slug", text["Adressnamnet får bara innehålla små bokstäver a–z, siffror och bindestreck (högst 64 tecken), och får inte börja eller sluta med bindestreck."]);
        }
        else if (await db.Rounds.AnyAsync(r => r.Slug == slug, cancellationToken))
        {
            ModelState.AddModelError("Input.Slug", text["Det finns redan en omgång med adressnamnet {0}.", slug]);
        }
        if (titleSv.Length is 0 or > 200)
        {
            ModelState.AddModelError("Input.TitleSv", text["Skriv en svensk rubrik (högst 200 tecken)."]);
        }
        if (titleEn.Length is 0 or > 200)
        {
            ModelState.AddModelError("Input.TitleEn", text["Skriv en engelsk rubrik (högst 200 tecken)."]);
        }
        if (!await db.Questionnaires.AnyAsync(q => q.Id == Input.QuestionnaireId && q.IsFinal, cancellationToken))
        {
            ModelState.AddModelError("Input.QuestionnaireId", text["Välj en slutlig version av enkäten."]);
        }
        if (!ModelState.IsValid)
        {
            await LoadQuestionnairesAsync(cancellationToken);
            return Page();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        db.Rounds.Add(new Round { Slug = slug, TitleSv = titleSv, TitleEn = titleEn, QuestionnaireId = Input.QuestionnaireId, State = RoundState.Draft, CreatedAt = now });
        db.Audit(now, User.AdminName(), AuditAction.RoundCreated, slug);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another admin took the same slug between the check and the insert.
            db.ChangeTracker.Clear();
            ModelState.AddModelError("Input.Slug", text["Det finns redan en omgång med adressnamnet {0}.", slug]);
            await LoadQuestionnairesAsync(cancellationToken);
            return Page();
        }
        TempData[RoundModel.DoneKey] = text["Omgången är skapad som utkast. Den tar inte emot svar förrän du öppnar den."].Value;
        return RedirectToPage("/Admin/Rounds/Round", new { slug });
    }

    private async Task LoadQuestionnairesAsync(CancellationToken cancellationToken)
    {
        // Only final versions: a round must never be bound to a text that can still change. The newest is offered first.
        var versions = await db.Questionnaires.AsNoTracking().Where(q => q.IsFinal)
            .OrderByDescending(q => q.FinalizedAt).ThenByDescending(q => q.Version)
            .Select(q => new { q.Id, q.Key, q.Version }).ToListAsync(cancellationToken);
        if (Input.QuestionnaireId == 0 && versions.Count > 0)
        {
            Input.QuestionnaireId = versions[0].Id;
        }
        Questionnaires = [.. versions.Select(q => new SelectListItem($"{q.Key} v{q.Version}", q.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), q.Id == Input.QuestionnaireId))];
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();
}
