using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Web.Admin;

/// <summary>A questionnaire version as a file in the site's own format, which the import reads back to the same version.</summary>
public static class QuestionnaireExport
{
    public static async Task<IResult> JsonAsync(string key, int version, SurveyDb db, CancellationToken cancellationToken)
    {
        var json = await db.Questionnaires.AsNoTracking().Where(q => q.Key == key && q.Version == version).Select(q => q.Definition).SingleOrDefaultAsync(cancellationToken);
        return json is null
            ? Microsoft.AspNetCore.Http.Results.NotFound()
            : Microsoft.AspNetCore.Http.Results.File(System.Text.Encoding.UTF8.GetBytes(QuestionnaireDefinition.Parse(json).ToJson()), "application/json; charset=utf-8", $"{key}-v{version}.json");
    }
}
