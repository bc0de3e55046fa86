using HejSurvey.Web.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Web.Pages;

public sealed class IndexModel(SurveyDb db, TimeProvider clock) : PageModel
{
    public sealed record RoundLink(string Slug, string TitleSv, string TitleEn, DateTime? ClosesAt, int Responses);

    public IReadOnlyList<RoundLink> Open { get; private set; } = [];
    public IReadOnlyList<RoundLink> Published { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rounds = await db.Rounds.AsNoTracking()
            .Where(r => r.State != RoundState.Draft)
            .OrderByDescending(r => r.OpenedAt)
            .Select(r => new { Link = new RoundLink(r.Slug, r.TitleSv, r.TitleEn, r.ClosesAt, r.ResponseCount), r.State, r.IsPublished, r.LiveResults })
            .ToListAsync();
        Open = [.. rounds.Where(r => r.State == RoundState.Open && (r.Link.ClosesAt is null || r.Link.ClosesAt > now)).Select(r => r.Link)];
        Published = [.. rounds.Where(r => r.IsPublished && (r.State == RoundState.Closed || r.LiveResults)).Select(r => r.Link)];
    }
}
