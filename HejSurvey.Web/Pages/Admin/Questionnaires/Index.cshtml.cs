using HejSurvey.Web.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Web.Pages.Admin.Questionnaires;

/// <summary>Every questionnaire with its versions, their state and the rounds that use each.</summary>
public sealed class IndexModel(SurveyDb db) : PageModel
{
    public sealed record VersionRow(string Key, int Version, bool IsFinal, DateTime CreatedAt, IReadOnlyList<string> Rounds);

    public IReadOnlyList<VersionRow> Versions { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var versions = await db.Questionnaires.AsNoTracking().OrderBy(q => q.Key).ThenByDescending(q => q.Version)
            .Select(q => new { q.Id, q.Key, q.Version, q.IsFinal, q.CreatedAt }).ToListAsync(cancellationToken);
        var rounds = (await db.Rounds.AsNoTracking().OrderBy(r => r.Slug).Select(r => new { r.QuestionnaireId, r.Slug }).ToListAsync(cancellationToken))
            .ToLookup(r => r.QuestionnaireId, r => r.Slug);
        Versions = [.. versions.Select(v => new VersionRow(v.Key, v.Version, v.IsFinal, v.CreatedAt, [.. rounds[v.Id]]))];
    }
}
