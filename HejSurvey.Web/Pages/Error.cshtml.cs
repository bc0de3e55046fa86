using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HejSurvey.Web.Pages;

/// <summary>The readable page behind every error status; re-executed for any method, so it takes no antiforgery token.</summary>
[IgnoreAntiforgeryToken]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class ErrorModel : PageModel
{
    public int Code { get; private set; }

    public void OnGet(int? code) => Code = code ?? HttpContext.Response.StatusCode;

    public void OnPost(int? code) => OnGet(code);

    public bool ReExecuted => HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is not null
        || HttpContext.Features.Get<IExceptionHandlerPathFeature>() is not null;
}
