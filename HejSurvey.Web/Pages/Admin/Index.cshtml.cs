using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using HejSurvey.Web.Site;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace HejSurvey.Web.Pages.Admin;

/// <summary>
/// Every round on one card: its state, today's responses, the total, the target if there is one, what the public sees
/// and a small chart of the responses per day. The day table behind each chart is on the round page.
/// </summary>
public sealed class IndexModel(SurveyDb db, TimeProvider clock, IStringLocalizer<Text> text) : PageModel
{
    public sealed record RoundRow(
        string Slug, string TitleSv, string TitleEn, RoundState State, DateTime? OpenedAt, DateTime? ClosesAt, DateTime? ClosedAt,
        int Responses, int? Target, bool IsPublished, bool LiveResults);

    public IReadOnlyList<RoundRow> Rounds { get; private set; } = [];

    /// <summary>Responses per day by round slug, oldest day first.</summary>
    public IReadOnlyDictionary<string, List<DayCount>> Days { get; private set; } = new Dictionary<string, List<DayCount>>();

    /// <summary>The Swedish date, the day responses are counted on.</summary>
    public DateOnly Today { get; private set; }

    /// <summary>Tells the chart that its table is on the round page.</summary>
    public ViewDataDictionary DayChartData => new(ViewData) { ["DayTableOnRoundPage"] = true };

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Today = DateOnly.FromDateTime(SwedishTime.FromUtc(clock.GetUtcNow().UtcDateTime));
        Rounds = await db.Rounds.AsNoTracking()
            .OrderByDescending(r => r.CreatedAt)
            .Select(r => new RoundRow(r.Slug, r.TitleSv, r.TitleEn, r.State, r.OpenedAt, r.ClosesAt, r.ClosedAt, r.ResponseCount, r.ResponseTarget, r.IsPublished, r.LiveResults))
            .ToListAsync(cancellationToken);
        var slugs = await db.Rounds.AsNoTracking().ToDictionaryAsync(r => r.Id, r => r.Slug, cancellationToken);
        var days = await db.Responses.AsNoTracking()
            .GroupBy(r => new { r.RoundId, r.SubmittedOn })
            .Select(g => new { g.Key.RoundId, g.Key.SubmittedOn, Count = g.Count() })
            .ToListAsync(cancellationToken);
        Days = days
            .GroupBy(d => slugs[d.RoundId])
            .ToDictionary(g => g.Key, g => g.OrderBy(d => d.SubmittedOn).Select(d => new DayCount(d.SubmittedOn, d.Count)).ToList());
    }

    /// <summary>The short form of the round page's sentence on what the public sees.</summary>
    public string PublicSees(RoundRow round) => round.State switch
    {
        RoundState.Draft => text["ingenting"],
        RoundState.Open when round.IsPublished && round.LiveResults => text["enkäten och resultaten medan den pågår"],
        RoundState.Open => text["enkäten"],
        _ when round.IsPublished => text["slutresultatet"],
        _ => text["ingenting"],
    };
}
