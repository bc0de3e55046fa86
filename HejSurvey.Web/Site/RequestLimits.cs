using System.Text;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Net.Http.Headers;

namespace HejSurvey.Web.Site;

/// <summary>
/// Turns oversized or malformed request bodies into 413/400 answers with a readable page instead of an
/// exception: a form is never larger than <see cref="MaxBodyBytes"/>. The one upload, an admin's questionnaire import,
/// has a limit of its own (<see cref="MaxImportBodyBytes"/>), raised by the import page only after the admin's sign-in
/// is checked.
/// </summary>
public static class RequestLimits
{
    public const long MaxBodyBytes = 64 * 1024;

    public const string ImportPath = "/admin/questionnaires/import";

    /// <summary>A questionnaire file: a large XLSForm is a few times the site's form limit, and nothing larger is a questionnaire.</summary>
    public const long MaxImportFileBytes = 256 * 1024;

    /// <summary>The file and the rest of its form (the antiforgery token, the multipart boundaries).</summary>
    public const long MaxImportBodyBytes = MaxImportFileBytes + 16 * 1024;

    /// <summary>Set on a request for the import page whose upload was too large to read; the page says so with 400.</summary>
    public static readonly object ImportTooLarge = new();

    public static WebApplicationBuilder AddRequestLimits(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxBodyBytes;
            kestrel.AddServerHeader = false;
        });
        builder.Services.Configure<Microsoft.AspNetCore.Mvc.MvcOptions>(mvc => mvc.Filters.Add(new MethodWithoutHandler()));
        builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(form =>
        {
            form.ValueCountLimit = 200;
            form.KeyLengthLimit = 200;
            form.ValueLengthLimit = (int)MaxBodyBytes;
            form.MultipartBodyLengthLimit = MaxBodyBytes;
        });
        return builder;
    }

    public static void UseRequestLimits(this WebApplication app) =>
        app.Use(async (context, next) =>
        {
            // The error page re-executed for a refused request sees the same headers: it is let through, and the
            // refused body is never read there (an unknown charset would throw while binding the form).
            if (context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is not null)
            {
                context.Request.ContentType = null;
                await next(context);
                return;
            }
            if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals(ImportPath, StringComparison.OrdinalIgnoreCase))
            {
                if (context.Request.ContentLength > MaxImportBodyBytes)
                {
                    // The body is never read, so the admin gets the import page itself (as a GET: it stores nothing and
                    // needs no antiforgery token) with 400 and the limit, instead of a bare 413. Sign-in still applies.
                    context.Items[ImportTooLarge] = true;
                    context.Request.Method = HttpMethods.Get;
                    context.Request.ContentType = null;
                }
            }
            else if (context.Request.ContentLength > MaxBodyBytes)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return;
            }
            if (!HasKnownCharset(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
                return;
            }
            try
            {
                await next(context);
            }
            catch (Exception ex) when (!context.Response.HasStarted && ex is BadHttpRequestException or InvalidDataException)
            {
                context.Response.Clear();
                context.Response.StatusCode = ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
            }
        });

    /// <summary>A body in a character set .NET cannot decode (UTF-7, made-up names) would throw when the form is read.</summary>
    private static bool HasKnownCharset(HttpRequest request)
    {
        if (request.ContentType is null || !MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || type.Charset.Length == 0)
        {
            return true;
        }
        try
        {
            _ = Encoding.GetEncoding(type.Charset.ToString().Trim('"'));
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>
    /// A method a page has no handler for (PUT on the survey, POST on the thank-you page) gets 405 instead of the
    /// page rendered without its handler having run. Re-executed error pages are left to render.
    /// </summary>
    private sealed class MethodWithoutHandler : IPageFilter
    {
        public void OnPageHandlerSelected(PageHandlerSelectedContext context)
        {
        }

        public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
        {
            if (context.HandlerMethod is null && context.ActionDescriptor.HandlerMethods.Count > 0
                && context.HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is null
                && context.HttpContext.Features.Get<IExceptionHandlerPathFeature>() is null)
            {
                context.Result = new StatusCodeResult(StatusCodes.Status405MethodNotAllowed);
            }
        }

        public void OnPageHandlerExecuted(PageHandlerExecutedContext context)
        {
        }
    }
}
