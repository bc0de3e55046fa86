using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace HejSurvey.Web.Pages.Admin.Questionnaires;

/// <summary>One questionnaire version: its texts, its state, the rounds that use it; a new version from it; making a draft final.</summary>
public sealed class VersionModel(SurveyDb db, TimeProvider clock, IStringLocalizer<Text> text) : PageModel
{
    public const string DoneKey = "QuestionnaireDone";

    public Questionnaire Stored { get; private set; } = null!;
    public QuestionnaireDefinition Definition { get; private set; } = null!;
    public IReadOnlyList<string> Rounds { get; private set; } = [];

    public string? Refused { get; private set; }

    [TempData(Key = DoneKey)]
    public string? Done { get; set; }

    /// <summary>The other versions of the questionnaire, for the change log.</summary>
    public IReadOnlyList<int> Others { get; private set; } = [];

    /// <summary>The change log against another version (the one this was made from, unless the admin chose one).</summary>
    public (QuestionnaireChanges Changes, QuestionnaireDefinition Earlier, QuestionnaireDefinition Later)? Changes { get; private set; }

    public async Task<IActionResult> OnGetAsync(string key, int version, int? against, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(key, version, cancellationToken))
        {
            return NotFound();
        }
        Others = await db.Questionnaires.AsNoTracking().Where(q => q.Key == key && q.Version != version).OrderBy(q => q.Version).Select(q => q.Version).ToListAsync(cancellationToken);
        var other = against ?? Stored.BasedOnVersion ?? Others.LastOrDefault(v => v < version);
        if (other != version && await db.Questionnaires.AsNoTracking().Where(q => q.Key == key && q.Version == other).Select(q => q.Definition).SingleOrDefaultAsync(cancellationToken) is { } json)
        {
            var otherDefinition = QuestionnaireDefinition.Parse(json);
            var (earlier, later) = other < version ? (otherDefinition, Definition) : (Definition, otherDefinition);
            Changes = (QuestionnaireChanges.Between(earlier, later), earlier, later);
        }
        return Page();
    }

    /// <summary>A draft copy with the next number; the editor opens on it.</summary>
    public async Task<IActionResult> OnPostNewVersionAsync(string key, int version, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(key, version, cancellationToken))
        {
            return NotFound();
        }
        var created = await QuestionnaireVersions.AddDraftAsync(db, Definition, version, clock.GetUtcNow().UtcDateTime, User.AdminName(),
            AuditAction.QuestionnaireCreated, $"draft from v{version}", cancellationToken);
        TempData[DoneKey] = text["Version {0} är skapad som utkast från version {1}.", created, version].Value;
        return Redirect($"/admin/questionnaires/{Stored.Key}/{created}/edit");
    }

    /// <summary>Freezes a draft. One conditional UPDATE: a version that is final already stays as it is.</summary>
    public async Task<IActionResult> OnPostFinalAsync(string key, int version, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var changed = await db.Questionnaires.Where(q => q.Key == key && q.Version == version && !q.IsFinal)
                .ExecuteUpdateAsync(s => s.SetProperty(q => q.IsFinal, true).SetProperty(q => q.FinalizedAt, now), cancellationToken);
            if (changed == 1)
            {
                db.Audit(now, User.AdminName(), AuditAction.QuestionnaireFinal, $"{key} v{version}");
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                Done = text["Versionen är slutlig. Den kan nu användas av omgångar och ändras aldrig mer."];
                return RedirectToPage(new { key, version });
            }
        }
        if (!await LoadAsync(key, version, cancellationToken))
        {
            return NotFound();
        }
        Refused = text["Versionen är redan slutlig."];
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    private async Task<bool> LoadAsync(string key, int version, CancellationToken cancellationToken)
    {
        if (await db.Questionnaires.AsNoTracking().SingleOrDefaultAsync(q => q.Key == key && q.Version == version, cancellationToken) is not { } stored)
        {
            return false;
        }
        Stored = stored;
        Definition = QuestionnaireDefinition.Parse(stored.Definition);
        Rounds = await db.Rounds.AsNoTracking().Where(r => r.QuestionnaireId == stored.Id).OrderBy(r => r.Slug).Select(r => r.Slug).ToListAsync(cancellationToken);
        return true;
    }
}
