using HejSurvey.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Web.Pages.Admin.Rounds;

/// <summary>
/// The step before closing: closing cannot be undone, so the round page only links here, and only this page's form
/// carries the confirmation the round page's close handler asks for. It changes nothing itself.
/// </summary>
public sealed class CloseModel(SurveyDb db) : PageModel
{
    public Round Round { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        if (await db.Rounds.AsNoTracking().SingleOrDefaultAsync(r => r.Slug == slug, cancellationToken) is not { } round)
        {
            return NotFound();
        }
        if (round.State != RoundState.Open)
        {
            // Nothing to confirm: the round page says what state it is in.
            return RedirectToPage("/Admin/Rounds/Round", new { slug });
        }
        Round = round;
        return Page();
    }
}
