using HejSurvey.Web.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Web.Pages;

public sealed class IndexModel(SurveyDb db, TimeProvider clock) : PageModel
{
    public sealed record RoundLink(string Slug, string TitleSv, string TitleEn, DateTime? ClosesAt, int Responses);

    private static RoundLink Link(Round r) => new(r.Slug, r.TitleSv, r.TitleEn, r.ClosesAt, r.ResponseCount);

    public IReadOnlyList<RoundLink> Open { get; private set; } = [];
    public IReadOnlyList<RoundLink> Published { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rounds = await db.Rounds.AsNoTracking()
            .Where(r => r.State != RoundState.Draft)
            .OrderByDescending(r => r.OpenedAt)
            .ToListAsync();
        Open = [.. rounds.Where(r => r.AcceptsAnswers(now)).Select(Link)];
        Published = [.. rounds.Where(r => r.ResultsVisible).Select(Link)];
    }
}
