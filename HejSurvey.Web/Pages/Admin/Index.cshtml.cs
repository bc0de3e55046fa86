using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Web.Pages.Admin;

/// <summary>Every round with its state and responses so far, and the responses per day of each.</summary>
public sealed class IndexModel(SurveyDb db) : PageModel
{
    public sealed record RoundRow(
        string Slug, string TitleSv, string TitleEn, RoundState State, DateTime? OpenedAt, DateTime? ClosesAt, DateTime? ClosedAt,
        int Responses, bool IsPublished, bool LiveResults);

    public IReadOnlyList<RoundRow> Rounds { get; private set; } = [];

    /// <summary>Responses per day by round slug, oldest day first.</summary>
    public IReadOnlyDictionary<string, List<DayCount>> Days { get; private set; } = new Dictionary<string, List<DayCount>>();

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Rounds = await db.Rounds.AsNoTracking()
            .OrderByDescending(r => r.CreatedAt)
            .Select(r => new RoundRow(r.Slug, r.TitleSv, r.TitleEn, r.State, r.OpenedAt, r.ClosesAt, r.ClosedAt, r.ResponseCount, r.IsPublished, r.LiveResults))
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
}
