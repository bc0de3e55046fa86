using HejSurvey.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Web.Pages.Survey;

public sealed class ThanksModel(SurveyDb db) : PageModel
{
    public Round Round { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        var round = await db.Rounds.AsNoTracking().SingleOrDefaultAsync(r => r.Slug == slug, cancellationToken);
        if (round is null)
        {
            return NotFound();
        }
        Round = round;
        return Page();
    }
}
