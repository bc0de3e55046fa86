using HejSurvey.Web.Components;
using HejSurvey.Web.Data;
using HejSurvey.Web.OpenResults;
using HejSurvey.Web.Site;
using HejSurvey.Web.Survey;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace HejSurvey.Web.Pages.Results;

/// <summary>
/// The open results of one round, optionally broken down by a background question (?by=role) and set
/// beside another published round of the same questionnaire (?compare=slug). Read from the tallies and
/// served from the output cache until new answers or a change of publication evict it.
/// </summary>
[OutputCache(PolicyName = ResultsSetup.CachePolicy)]
public sealed class RoundModel(SurveyDb db, QuestionnaireCatalog catalog, LiveSnapshots live, IOptions<SurveyOptions> options, IStringLocalizer<Text> text) : PageModel
{
    public RoundResults Results { get; private set; } = null!;

    /// <summary>The background question the groups come from; null shows everyone only.</summary>
    public BackgroundQuestion? Breakdown { get; private set; }

    public RoundResults? Compared { get; private set; }

    /// <summary>A round was asked for with ?compare= but cannot be shown (unknown, unpublished or another questionnaire).</summary>
    public bool CompareUnavailable { get; private set; }

    /// <summary>Other published rounds of the same questionnaire, for the comparison list.</summary>
    public IReadOnlyList<PublishedRound> Comparable { get; private set; } = [];

    public QuestionnaireDefinition Questionnaire => Results.Questionnaire;

    public SurveyOptions Options => options.Value;

    public async Task<IActionResult> OnGetAsync(string slug, string? by, string? compare, CancellationToken cancellationToken)
    {
        var minGroupSize = options.Value.MinGroupSize();
        if (await RoundResults.LoadAsync(db, catalog, live, minGroupSize, slug, cancellationToken) is not { } results)
        {
            return NotFound();
        }
        Results = results;
        if (!string.IsNullOrEmpty(by))
        {
            Breakdown = Questionnaire.Background.FirstOrDefault(b => b.Key == by);
            if (Breakdown is null)
            {
                return BadRequest();
            }
        }

        var others = new List<PublishedRound>();
        foreach (var round in await RoundResults.PublishedAsync(db, options.Value.LiveStepOf(minGroupSize), cancellationToken))
        {
            if (round.Id != results.Round.Id && (await catalog.GetAsync(round.QuestionnaireId, cancellationToken)).Key == Questionnaire.Key)
            {
                others.Add(round);
            }
        }
        Comparable = others;
        if (!string.IsNullOrEmpty(compare))
        {
            Compared = others.Any(r => r.Slug == compare)
                ? await RoundResults.LoadAsync(db, catalog, live, minGroupSize, compare, cancellationToken)
                : null;
            CompareUnavailable = Compared is null;
        }
        return Page();
    }

    /// <summary>Label for a breakdown in the form and headings.</summary>
    public string BreakdownName(BackgroundQuestion question) => question.Key switch
    {
        "orgtype" => text["Organisationstyp"],
        "role" => text["Roll"],
        "size" => text["Organisationens storlek"],
        _ => question.Text.Current,
    };

    /// <summary>The rows of a statement's table: everyone, then the groups, for this round and then the compared one.</summary>
    /// A statement that the compared round's questionnaire version did not ask has no row for that round.
    public IReadOnlyList<StatementSeries> StatementRows(string statementKey) =>
        [.. Groups()
            .Where(g => g.Figures.Suppressed || g.Figures.Statements.ContainsKey(statementKey))
            .Select(g => new StatementSeries(g.Label, g.Figures.Suppressed ? null : g.Figures.Statements[statementKey]))];

    public IReadOnlyList<ThemeSeries> ThemeRows() =>
        [.. Groups().Select(g => new ThemeSeries(g.Label, g.Figures.Suppressed ? null : g.Figures.Themes))];

    private IEnumerable<(string Label, GroupFigures Figures)> Groups()
    {
        var language = SiteLocalization.Language;
        foreach (var results in Compared is null ? [Results] : new[] { Results, Compared })
        {
            var prefix = Compared is null ? "" : $"{results.Round.Title(language)}: ";
            yield return (prefix + text["Alla svarande"], results.Everyone);
            if (Breakdown is null)
            {
                continue;
            }
            var groups = results.Breakdowns.GetValueOrDefault(Breakdown.Key) ?? [];
            foreach (var option in Breakdown.Options)
            {
                if (groups.FirstOrDefault(g => g.Option == option.Value) is { } group)
                {
                    yield return (prefix + option.Text.Current, group);
                }
            }
        }
    }
}
