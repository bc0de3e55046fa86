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

    /// <summary>The version of the questionnaire the round used.</summary>
    public int Version { get; private set; }

    /// <summary>The questionnaire's "don't know", as the list of data files names the answer coded 0.</summary>
    public string DontKnow { get; private set; } = "";

    /// <summary>The change log against each other version of the questionnaire that published rounds used.</summary>
    public List<(QuestionnaireChanges Changes, QuestionnaireDefinition Earlier, QuestionnaireDefinition Later)> VersionChanges { get; } = [];

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        if (await RoundResults.LoadAsync(db, catalog, live, options.Value.MinGroupSize(), slug, cancellationToken) is not { } results)
        {
            return NotFound();
        }
        Slug = results.Round.Slug;
        Declaration = MethodDeclaration.Of(results, options.Value, await RoundResults.LiveVersionCountAsync(db, results.Round.Id, cancellationToken), text);
        // Every other version of the questionnaire that a published round used: what a comparison with it can say.
        Version = results.Questionnaire.Version;
        DontKnow = results.Questionnaire.DontKnow.Text.Current;
        VersionChanges.AddRange(await SeriesBreaks.OtherVersionsAsync(db, catalog, results.Questionnaire, options.Value.LiveStepOf(options.Value.MinGroupSize()), cancellationToken));
        return Page();
    }
}
