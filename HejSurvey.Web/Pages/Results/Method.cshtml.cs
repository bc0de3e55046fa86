using HejSurvey.Web.OpenResults;
using HejSurvey.Web.Survey;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace HejSurvey.Web.Pages.Results;

/// <summary>
/// The method page of a published round: its quality declaration, generated from the same results the results page
/// shows (so its counts are those of the version shown) and from the round's questionnaire.
/// </summary>
[OutputCache(PolicyName = ResultsSetup.CachePolicy)]
public sealed class MethodModel(Data.SurveyDb db, QuestionnaireCatalog catalog, LiveSnapshots live, IOptions<SurveyOptions> options, IStringLocalizer<Text> text) : PageModel
{
    public MethodDeclaration Declaration { get; private set; } = null!;

    public string Slug { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        if (await RoundResults.LoadAsync(db, catalog, live, options.Value.MinGroupSize(), slug, cancellationToken) is not { } results)
        {
            return NotFound();
        }
        Slug = results.Round.Slug;
        Declaration = MethodDeclaration.Of(results, options.Value, await RoundResults.LiveVersionCountAsync(db, results.Round.Id, cancellationToken), text);
        return Page();
    }
}
