using System.Text.RegularExpressions;
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
public sealed partial class RoundModel(SurveyDb db, QuestionnaireCatalog catalog, LiveSnapshots live, IOptions<SurveyOptions> options, IOptions<ContactOptions> contact, IStringLocalizer<Text> text) : PageModel
{
    public string Organisation => contact.Value.Organisation;

    /// <summary>Burnt into downloaded images and shown on embedded charts: CC BY asks for the source to be named.</summary>
    public string SourceLine => text["Källa: {0}, {1}, CC BY 4.0", Results.Round.Title(SiteLocalization.Language), Organisation];

    /// <summary>When the results were first published, as stored when the admin published them.</summary>
    public DateTime? PublishedAt => Results.Round.PublishedAt;

    /// <summary>
    /// The organisers' summary in the reader's language, else in the other one (with its language, for the page's lang
    /// attribute); each line a paragraph. Null when they wrote none.
    /// </summary>
    public (string Language, IReadOnlyList<string> Paragraphs)? OrganisersSummary()
    {
        var round = Results.Round;
        var english = SiteLocalization.Language == "en";
        var (language, summary) = (english ? round.SummaryEn : round.SummarySv) is { Length: > 0 } own
            ? (SiteLocalization.Language, own)
            : english ? ("sv", round.SummarySv) : ("en", round.SummaryEn);
        if (string.IsNullOrWhiteSpace(summary))
        {
            return null;
        }
        var paragraphs = summary.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (language, paragraphs);
    }

    /// <summary>The round's responses and period in one sentence.</summary>
    public string PeriodLine() => PeriodOf(Results.Round, text);

    /// <summary>A round's responses and period in one sentence, as the results page and the list of results say it.</summary>
    public static string PeriodOf(PublishedRound round, IStringLocalizer<Text> text)
    {
        var responses = ResultFormat.Count(round.Responses);
        static string Date(DateTime? at) => at?.ToString("d MMMM yyyy", System.Globalization.CultureInfo.CurrentCulture) ?? "";
        return round.State == RoundState.Closed
            ? text["{0} svar, insamlade från {1} till {2}.", responses, Date(round.OpenedAt), Date(round.ClosedAt)]
            : text["{0} svar sedan {1}; omgången pågår och resultaten visas i versioner.", responses, Date(round.OpenedAt)];
    }

    /// <summary>
    /// An address on this site as others must write it (an embed snippet, a citation, link previews): from
    /// Site:PublicOrigin, as the catalogue and the data package write theirs, so that a forged Host header is not
    /// written into the page.
    /// </summary>
    public string AbsoluteUrl(string path) => PublicOrigin.For(HttpContext) + path;

    /// <summary>
    /// The query of what this page shows (breakdown, comparison, language), for an address that must show the same
    /// elsewhere: an embedded chart is framed on a site where the reader's language cookie is not sent.
    /// </summary>
    public QueryString ViewQuery()
    {
        var query = new List<KeyValuePair<string, string?>>();
        if (Breakdown is not null)
        {
            query.Add(new("by", Breakdown.Key));
        }
        if (Compared is not null)
        {
            query.Add(new("compare", Compared.Round.Slug));
        }
        query.Add(new("culture", SiteLocalization.Language));
        return QueryString.Create(query);
    }

    public RoundResults Results { get; private set; } = null!;

    /// <summary>The background question the groups come from; null shows everyone only.</summary>
    public BackgroundQuestion? Breakdown { get; private set; }

    public RoundResults? Compared { get; private set; }

    /// <summary>A round was asked for with ?compare= but cannot be shown (unknown, unpublished or another questionnaire).</summary>
    public bool CompareUnavailable { get; private set; }

    /// <summary>Other published rounds of the same questionnaire, for the comparison list.</summary>
    public IReadOnlyList<PublishedRound> Comparable { get; private set; } = [];

    public QuestionnaireDefinition Questionnaire => Results.Questionnaire;

    /// <summary>What differs between the two rounds' questionnaire versions; null without a comparison or on one version.</summary>
    public QuestionnaireChanges? Changes { get; private set; }

    /// <summary>The compared round's wording of a statement, or null where that round did not ask it.</summary>
    public Statement? ComparedStatement(string key) => Compared?.Questionnaire.Statements.FirstOrDefault(s => s.Key == key);

    public SurveyOptions Options => options.Value;

    /// <summary>The one chart of the embed page: "overview", "themes" or a statement's key; null on the results page.</summary>
    public string? ChartKey { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, string? by, string? compare, string? key, CancellationToken cancellationToken)
    {
        var minGroupSize = options.Value.MinGroupSize();
        if (await RoundResults.LoadAsync(db, catalog, live, minGroupSize, slug, cancellationToken) is not { } results)
        {
            return NotFound();
        }
        Results = results;
        if (key is not null)
        {
            if (key is not ("overview" or "themes") && !Questionnaire.Statements.Any(s => s.Key == key))
            {
                return NotFound();
            }
            ChartKey = key;
        }
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
        if (Compared is not null && Compared.Questionnaire.Version != Questionnaire.Version)
        {
            var (earlier, later) = Compared.Questionnaire.Version < Questionnaire.Version ? (Compared.Questionnaire, Questionnaire) : (Questionnaire, Compared.Questionnaire);
            Changes = QuestionnaireChanges.Between(earlier, later);
        }
        return Page();
    }


    /// <summary>
    /// A round's name in a row label, as short as tells the two rounds apart: its year where the titles name
    /// different years ("2026"), otherwise its title.
    /// </summary>
    public string ShortName(RoundResults results)
    {
        var language = SiteLocalization.Language;
        if (Compared is null)
        {
            return results.Round.Title(language);
        }
        var years = new[] { Results, Compared }.Select(r => Year().Match(r.Round.Title(language)).Value).ToList();
        var year = Year().Match(results.Round.Title(language)).Value;
        return year.Length > 0 && years.Distinct().Count() == 2 && years.All(y => y.Length > 0) ? year : results.Round.Title(language);
    }

    [GeneratedRegex(@"\b(19|20)\d\d\b")]
    private static partial Regex Year();

    /// <summary>The groups of the breakdown in this round, without everyone, as the findings compare them with each other.</summary>
    public IReadOnlyList<NamedGroup> BreakdownGroups() =>
        [.. Groups().Where(g => g.Results == Results && g.Option is not null).Select(g => new NamedGroup(g.Group, g.Figures))];

    public IReadOnlyList<string> Findings() =>
        KeyFindings.Sentences(Results, BreakdownGroups(), Compared, ShortName(Results), Compared is null ? "" : ShortName(Compared), text);

    /// <summary>The rows of a statement's table: everyone, then the groups, for this round and then the compared one.</summary>
    /// A statement that the compared round's questionnaire version did not ask has no row for that round. With a
    /// comparison, a row of this round carries its change from the same group in the compared round.
    public IReadOnlyList<StatementSeries> StatementRows(string statementKey) =>
        [.. Groups()
            .Where(g => g.Figures.Suppressed || g.Figures.Statements.ContainsKey(statementKey))
            .Select(g =>
            {
                var figures = g.Figures.Suppressed ? null : g.Figures.Statements[statementKey];
                var then = g.Results == Results && Compared is not null ? Counterpart(g.Option)?.Statements.GetValueOrDefault(statementKey) : null;
                var shown = figures is { Suppressed: false, N: > 0 } && then is { Suppressed: false, N: > 0 };
                return new StatementSeries(g.Label, figures)
                {
                    FullLabel = g.FullLabel,
                    AgreeChange = shown ? Differences.Shares(figures!.Agreeing!.Value, figures.N!.Value, then!.Agreeing!.Value, then.N!.Value) : null,
                    MeanChange = shown ? Differences.Means(figures!.Counts!, then!.Counts!, QuestionnaireDefinition.ScaleMin) : null,
                };
            })];

    public IReadOnlyList<ThemeSeries> ThemeRows() =>
        [.. Groups().Select(g => new ThemeSeries(g.Label, g.Figures.Suppressed ? null : g.Figures.Themes)
        {
            FullLabel = g.FullLabel,
            Compared = g.Results != Results,
            Group = g.Group,
            Changes = g.Results == Results && Compared is not null && !g.Figures.Suppressed && Counterpart(g.Option) is { Suppressed: false } then
                ? ThemeChanges(g.Figures, then)
                : null,
        })];

    /// <summary>The same group in the compared round.</summary>
    private GroupFigures? Counterpart(int? option) =>
        option is null
            ? Compared!.Everyone
            : Compared!.Breakdowns.GetValueOrDefault(Breakdown!.Key)?.FirstOrDefault(g => g.Option == option);

    private static Dictionary<string, Difference> ThemeChanges(GroupFigures now, GroupFigures then)
    {
        var changes = new Dictionary<string, Difference>();
        foreach (var (key, figures) in now.Themes)
        {
            if (figures is { Index: { } index, Variance: { } variance } && then.Themes.GetValueOrDefault(key) is { Index: { } before, Variance: { } beforeVariance } old
                && Differences.Means(figures.N!.Value, index.Value, variance, old.N!.Value, before.Value, beforeVariance) is { } change)
            {
                changes[key] = change;
            }
        }
        return changes;
    }

    private IEnumerable<(string Label, string FullLabel, string Group, int? Option, RoundResults Results, GroupFigures Figures)> Groups()
    {
        var language = SiteLocalization.Language;
        foreach (var results in Compared is null ? [Results] : new[] { Results, Compared })
        {
            string Label(string group) => Compared is null ? group : text["{0} · {1}", ShortName(results), group];
            string Full(string group) => Compared is null ? group : text["{0}: {1}", results.Round.Title(language), group];
            yield return (Label(text["Alla svarande"]), Full(text["Alla svarande"]), text["Alla svarande"], null, results, results.Everyone);
            if (Breakdown is null)
            {
                continue;
            }
            var groups = results.Breakdowns.GetValueOrDefault(Breakdown.Key) ?? [];
            foreach (var option in Breakdown.Options)
            {
                if (groups.FirstOrDefault(g => g.Option == option.Value) is { } group)
                {
                    yield return (Label(option.Text.Current), Full(option.Text.Current), option.Text.Current, option.Value, results, group);
                }
            }
        }
    }
}
