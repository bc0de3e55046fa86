using HejSurvey.Web.Admin;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HejSurvey.Web.Pages.Admin;

/// <summary>The report of /healthz/ready as a page, instead of serving the HealthChecks UI dashboard here.</summary>
public sealed class HealthModel(HealthCheckService health) : PageModel
{
    public HealthReport Report { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Report = await health.CheckHealthAsync(SurveyHealth.Ready, cancellationToken);
        if (Report.Status == HealthStatus.Unhealthy)
        {
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }
    }
}
