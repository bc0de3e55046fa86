using System.Collections.Concurrent;
using HejSurvey.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Web.Survey;

/// <summary>Parsed questionnaire versions by id. A final version never changes, so it is parsed once; a draft is read afresh.</summary>
public sealed class QuestionnaireCatalog(IServiceScopeFactory scopes)
{
    private readonly ConcurrentDictionary<int, QuestionnaireDefinition> parsed = new();

    public async Task<QuestionnaireDefinition> GetAsync(int questionnaireId, CancellationToken cancellationToken = default)
    {
        if (parsed.TryGetValue(questionnaireId, out var definition))
        {
            return definition;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDb>();
        var stored = await db.Questionnaires.Where(q => q.Id == questionnaireId).Select(q => new { q.Definition, q.IsFinal }).SingleAsync(cancellationToken);
        var read = QuestionnaireDefinition.Parse(stored.Definition);
        return stored.IsFinal ? parsed.GetOrAdd(questionnaireId, read) : read;
    }
}
