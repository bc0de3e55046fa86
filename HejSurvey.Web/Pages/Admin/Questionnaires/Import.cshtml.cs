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
/// answered with 400 and every problem when anything is wrong, storing nothing. The file is JSON in the site's format
/// or an XLSForm, told apart by its first bytes (a workbook is a zip). The route has its own small body limit, set here
/// so that it is raised only for a signed-in admin; the site's limit stays for everyone else.
/// </summary>
[RequestSizeLimit(RequestLimits.MaxImportBodyBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = RequestLimits.MaxImportBodyBytes)]
public sealed class ImportModel(SurveyDb db, TimeProvider clock, IStringLocalizer<Text> text) : PageModel
{
    public long MaxKilobytes => RequestLimits.MaxImportFileBytes / 1024;

    public List<QuestionnaireProblem> Problems { get; private set; } = [];

    public void OnGet()
    {
        if (HttpContext.Items.ContainsKey(RequestLimits.ImportTooLarge))
        {
            Refuse([new("file", text["Filen är större än {0} kB.", MaxKilobytes])]);
        }
    }

    public async Task<IActionResult> OnPostAsync(IFormFile? file, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return Refuse([new("file", text["Välj en fil att importera."])]);
        }
        if (file.Length > RequestLimits.MaxImportFileBytes)
        {
            return Refuse([new("file", text["Filen är större än {0} kB.", MaxKilobytes])]);
        }
        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, cancellationToken);
        }
        var (definition, problems) = ReadFile(bytes);
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

    private (QuestionnaireDefinition? Definition, List<QuestionnaireProblem> Problems) ReadFile(byte[] bytes)
    {
        if (!WorkbookUpload.IsZip(bytes))
        {
            return QuestionnaireJson.Read(bytes, text);
        }
        return WorkbookUpload.Check(bytes, text) is { } refused ? (null, [new("file", refused)]) : QuestionnaireXlsForm.Read(bytes, text);
    }

    private PageResult Refuse(List<QuestionnaireProblem> problems)
    {
        Problems = problems;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
