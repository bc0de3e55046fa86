using HejSurvey.Web.Data;
using HejSurvey.Web.OpenResults;
using HejSurvey.Web.Survey;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HejSurvey.Web.Pages;

public sealed class IndexModel(SurveyDb db, TimeProvider clock, IOptions<SurveyOptions> options) : PageModel
{
    /// <summary>A round to answer or read; <see cref="Responses"/> is the count of the results shown, never the running count of an open round.</summary>
    public sealed record RoundLink(string Slug, string TitleSv, string TitleEn, DateTime? ClosesAt, int Responses);

    public IReadOnlyList<RoundLink> Open { get; private set; } = [];
    public IReadOnlyList<RoundLink> Published { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rounds = await db.Rounds.AsNoTracking()
            .Where(r => r.State != RoundState.Draft)
            .OrderByDescending(r => r.OpenedAt)
            .ToListAsync();
        var shown = await RoundResults.LastVersionsAsync(db, HttpContext.RequestAborted);
        RoundLink Link(Round r) => new(r.Slug, r.TitleSv, r.TitleEn, r.ClosesAt,
            LiveSnapshots.ShownResponses(r.State, r.ResponseCount, shown.TryGetValue(r.Id, out var last) ? last : null, options.Value.LiveStepOf(options.Value.MinGroupSize())));
        Open = [.. rounds.Where(r => r.AcceptsAnswers(now)).Select(Link)];
        Published = [.. rounds.Where(r => r.ResultsVisible).Select(Link)];
    }
}
