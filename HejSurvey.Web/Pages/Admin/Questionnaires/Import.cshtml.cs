using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using HejSurvey.Web.Site;
using HejSurvey.Web.Survey;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace HejSurvey.Web.Pages.Admin.Questionnaires;

/// <summary>
/// Imports a questionnaire file as a new draft version. The whole file is checked first (schema, rules, limits) and
/// answered with 400 and every problem when anything is wrong, storing nothing. The body limit is the site's own
/// small one: no questionnaire comes near it.
/// </summary>
public sealed class ImportModel(SurveyDb db, TimeProvider clock, IStringLocalizer<Text> text) : PageModel
{
    public long MaxKilobytes => RequestLimits.MaxBodyBytes / 1024;

    public List<QuestionnaireProblem> Problems { get; private set; } = [];

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(IFormFile? file, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return Refuse([new("file", text["Välj en fil att importera."])]);
        }
        if (file.Length > RequestLimits.MaxBodyBytes)
        {
            return Refuse([new("file", text["Filen är större än {0} kB.", MaxKilobytes])]);
        }
        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, cancellationToken);
        }
        var (definition, problems) = QuestionnaireJson.Read(bytes, text);
        if (definition is null)
        {
            return Refuse(problems);
        }
        var newest = await db.Questionnaires.Where(q => q.Key == definition.Key).MaxAsync(q => (int?)q.Version, cancellationToken);
        var version = await QuestionnaireVersions.AddDraftAsync(db, definition, newest, clock.GetUtcNow().UtcDateTime, User.AdminName(),
            AuditAction.QuestionnaireImported, $"imported from {Path.GetFileName(file.FileName)}", cancellationToken);
        TempData[VersionModel.DoneKey] = text["Filen är importerad som utkast, version {0}.", version].Value;
        return Redirect($"/admin/questionnaires/{definition.Key}/{version}");
    }

    private PageResult Refuse(List<QuestionnaireProblem> problems)
    {
        Problems = problems;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
