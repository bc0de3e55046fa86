using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace HejSurvey.Web.Admin;

/// <summary>A questionnaire version as a file, in the site's own format or as an XLSForm; the import reads either back to the same version.</summary>
public static class QuestionnaireExport
{
    public static async Task<IResult> JsonAsync(string key, int version, SurveyDb db, CancellationToken cancellationToken)
    {
        var json = await db.Questionnaires.AsNoTracking().Where(q => q.Key == key && q.Version == version).Select(q => q.Definition).SingleOrDefaultAsync(cancellationToken);
        return json is null
            ? Microsoft.AspNetCore.Http.Results.NotFound()
            : Microsoft.AspNetCore.Http.Results.File(System.Text.Encoding.UTF8.GetBytes(QuestionnaireDefinition.Parse(json).ToJson()), "application/json; charset=utf-8", $"{key}-v{version}.json");
    }

    public static async Task<IResult> XlsFormAsync(string key, int version, SurveyDb db, IStringLocalizer<Text> text, CancellationToken cancellationToken)
    {
        var json = await db.Questionnaires.AsNoTracking().Where(q => q.Key == key && q.Version == version).Select(q => q.Definition).SingleOrDefaultAsync(cancellationToken);
        if (json is null)
        {
            return Microsoft.AspNetCore.Http.Results.NotFound();
        }
        // A few kilobytes: written whole, so that a failure is an error page rather than half a file.
        using var file = new MemoryStream();
        await QuestionnaireXlsForm.WriteAsync(QuestionnaireDefinition.Parse(json), file, text, cancellationToken);
        return Microsoft.AspNetCore.Http.Results.File(file.ToArray(), QuestionnaireXlsForm.ContentType, $"{key}-v{version}.xlsx");
    }
}
