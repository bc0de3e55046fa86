using HejSurvey.Web.Data;
using HejSurvey.Web.OpenResults;
using HejSurvey.Web.Survey;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;

namespace HejSurvey.Web.Pages.Survey;

/// <summary>
/// The same page for every respondent of a round and language, shown after every submission: kept in the output cache
/// with the results, whose link it shows, and emptied with them.
/// </summary>
[OutputCache(PolicyName = ResultsSetup.CachePolicy)]
public sealed class ThanksModel(SurveyDb db, RoundCache rounds) : PageModel
{
    public Round Round { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string slug)
    {
        // Every respondent lands here right after the form, so the round comes from the same short cache.
        var round = await rounds.FindAsync(db, slug);
        // A draft answers as an unknown slug, as on the form.
        if (round is null || round.State == RoundState.Draft)
        {
            return NotFound();
        }
        Round = round;
        return Page();
    }
}
