using HejSurvey.Web.Data;
using HejSurvey.Web.OpenResults;
using HejSurvey.Web.Survey;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Options;

namespace HejSurvey.Web.Pages.Results;

/// <summary>The rounds whose results are published, newest first.</summary>
[OutputCache(PolicyName = ResultsSetup.CachePolicy)]
public sealed class IndexModel(SurveyDb db, IOptions<SurveyOptions> options) : PageModel
{
    public IReadOnlyList<PublishedRound> Rounds { get; private set; } = [];

    public int LiveStep => options.Value.LiveStepOf(options.Value.MinGroupSize());

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Rounds = await RoundResults.PublishedAsync(db, LiveStep, cancellationToken);
}
