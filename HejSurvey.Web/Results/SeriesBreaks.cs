using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;

namespace HejSurvey.Web.OpenResults;

/// <summary>A statement asked under one key in both versions but worded differently: a break in series.</summary>
public sealed record RewordedStatement(string Key, LocalizedText Wording, LocalizedText OtherWording);

/// <summary>
/// What a comparison of this round with a round on another version of its questionnaire can say, seen from this round:
/// the statements reworded (both wordings), the ones only this round asked, the ones only the other asked, and the
/// themes whose indices are built from different statements.
/// </summary>
public sealed record SeriesBreak(
    int Version,
    IReadOnlyList<RewordedStatement> Reworded,
    IReadOnlyList<string> NotAskedInOther,
    IReadOnlyList<string> NotAskedHere,
    IReadOnlyList<string> ThemesDiffering);

/// <summary>The questionnaire a round used, named in every open output, with its breaks in series against the other versions published rounds used.</summary>
public sealed record QuestionnaireVersion(string Key, int Version, IReadOnlyList<SeriesBreak> Breaks);

public static class SeriesBreaks
{
    /// <summary>Each other version of the round's questionnaire that a published round used, with the change log between the two, earliest first.</summary>
    public static async Task<List<(QuestionnaireChanges Changes, QuestionnaireDefinition Earlier, QuestionnaireDefinition Later)>> OtherVersionsAsync(
        SurveyDb db, QuestionnaireCatalog catalog, QuestionnaireDefinition own, int liveStep, CancellationToken cancellationToken)
    {
        var changes = new List<(QuestionnaireChanges, QuestionnaireDefinition, QuestionnaireDefinition)>();
        var seen = new HashSet<int> { own.Version };
        foreach (var round in await RoundResults.PublishedAsync(db, liveStep, cancellationToken))
        {
            var other = await catalog.GetAsync(round.QuestionnaireId, cancellationToken);
            if (other.Key == own.Key && seen.Add(other.Version))
            {
                var (earlier, later) = other.Version < own.Version ? (other, own) : (own, other);
                changes.Add((QuestionnaireChanges.Between(earlier, later), earlier, later));
            }
        }
        changes.Sort((a, b) => a.Item1.From.CompareTo(b.Item1.From));
        return changes;
    }

    public static async Task<QuestionnaireVersion> OfAsync(SurveyDb db, QuestionnaireCatalog catalog, QuestionnaireDefinition own, int liveStep, CancellationToken cancellationToken)
    {
        var breaks = new List<SeriesBreak>();
        foreach (var (changes, earlier, later) in await OtherVersionsAsync(db, catalog, own, liveStep, cancellationToken))
        {
            var ownIsLater = later.Version == own.Version;
            var other = ownIsLater ? earlier : later;
            breaks.Add(new SeriesBreak(
                other.Version,
                [.. changes.Reworded.Select(r => ownIsLater ? new RewordedStatement(r.Key, r.After!, r.Before!) : new RewordedStatement(r.Key, r.Before!, r.After!))],
                [.. (ownIsLater ? changes.Added : changes.Removed).Select(s => s.Key)],
                [.. (ownIsLater ? changes.Removed : changes.Added).Select(s => s.Key)],
                changes.ThemesDiffering));
        }
        return new QuestionnaireVersion(own.Key, own.Version, breaks);
    }
}
