using System.Collections.Concurrent;
using HejSurvey.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Web.Survey;

/// <summary>Parsed questionnaire versions by id. A stored version never changes, so it is parsed once.</summary>
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
        var json = await db.Questionnaires.Where(q => q.Id == questionnaireId).Select(q => q.Definition).SingleAsync(cancellationToken);
        return parsed.GetOrAdd(questionnaireId, QuestionnaireDefinition.Parse(json));
    }
}
