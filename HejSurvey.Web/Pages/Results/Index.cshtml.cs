using HejSurvey.Web.Data;
using HejSurvey.Web.OpenResults;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;

namespace HejSurvey.Web.Pages.Results;

/// <summary>The rounds whose results are published, newest first.</summary>
[OutputCache(PolicyName = ResultsSetup.CachePolicy)]
public sealed class IndexModel(SurveyDb db) : PageModel
{
    public IReadOnlyList<PublishedRound> Rounds { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Rounds = await RoundResults.PublishedAsync(db, cancellationToken);
}
