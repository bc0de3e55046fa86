using HejSurvey.Web.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Web.Pages.Admin;

/// <summary>The audit log, newest first, a page at a time. There is deliberately no way to edit or delete it here.</summary>
public sealed class AuditModel(SurveyDb db) : PageModel
{
    public const int PageSize = 50;

    public sealed record Entry(DateTime At, string Admin, string Action, string? Detail);

    public IReadOnlyList<Entry> Entries { get; private set; } = [];
    public int PageNumber { get; private set; }
    public bool HasNewer => PageNumber > 1;
    public bool HasOlder { get; private set; }

    public async Task OnGetAsync(int? page, CancellationToken cancellationToken)
    {
        PageNumber = Math.Max(1, page ?? 1);
        var entries = await db.AuditEntries.AsNoTracking()
            .OrderByDescending(a => a.Id)
            .Skip((PageNumber - 1) * PageSize)
            .Take(PageSize + 1)
            .Select(a => new Entry(a.At, a.Admin, a.Action, a.Detail))
            .ToListAsync(cancellationToken);
        HasOlder = entries.Count > PageSize;
        Entries = entries.Take(PageSize).ToList();
    }
}
