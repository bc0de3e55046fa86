using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Web.Admin;

/// <summary>
/// New questionnaire versions, from the editor or from an imported file. A version number is never reused: the next
/// one is the highest stored for the key plus one, and the unique index on (key, version) decides when two admins
/// make one at the same moment.
/// </summary>
public static class QuestionnaireVersions
{
    /// <summary>Stores <paramref name="definition"/> as a new draft of its key and audits it; returns the version number it got.</summary>
    public static async Task<int> AddDraftAsync(SurveyDb db, QuestionnaireDefinition definition, int? basedOnVersion, DateTime now, string admin, string action, string detail, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var version = (await db.Questionnaires.Where(q => q.Key == definition.Key).MaxAsync(q => (int?)q.Version, cancellationToken) ?? 0) + 1;
            db.Questionnaires.Add(new Questionnaire
            {
                Key = definition.Key,
                Version = version,
                Definition = (definition with { Version = version }).ToJson(),
                CreatedAt = now,
                BasedOnVersion = basedOnVersion,
            });
            db.Audit(now, admin, action, $"{definition.Key} v{version}: {detail}");
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return version;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another admin took the number between the read and the insert; the next attempt reads it.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>Every statement key any version of the questionnaire has used, with its wording there: a key names one question for good.</summary>
    public static async Task<Dictionary<string, (int Version, LocalizedText Text)>> KnownStatementsAsync(SurveyDb db, string key, CancellationToken cancellationToken)
    {
        var known = new Dictionary<string, (int, LocalizedText)>(StringComparer.Ordinal);
        var stored = await db.Questionnaires.AsNoTracking().Where(q => q.Key == key).OrderBy(q => q.Version).Select(q => new { q.Version, q.Definition }).ToListAsync(cancellationToken);
        foreach (var version in stored)
        {
            foreach (var statement in QuestionnaireDefinition.Parse(version.Definition).Statements)
            {
                known[statement.Key] = (version.Version, statement.Text);
            }
        }
        return known;
    }
}
