using HejSurvey.Web.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HejSurvey.Web.Pages.Admin;

/// <summary>
/// Where backups come from: on SQLite the site's own snapshot (/admin/backup); on PostgreSQL the database service,
/// which the site cannot copy consistently on its own and which its IT department already backs up.
/// </summary>
public sealed class BackupsModel(SurveyConnection database) : PageModel
{
    public bool OnPostgres => database.Provider == DatabaseProvider.PostgreSQL;
}
