namespace HejSurvey.Web.Site;

/// <summary>
/// Turns oversized or malformed request bodies into 413/400 answers with a readable page instead of an
/// exception: nothing on this site takes uploads, so a form is never larger than <see cref="MaxBodyBytes"/>.
/// </summary>
public static class RequestLimits
{
    public const long MaxBodyBytes = 64 * 1024;

    public static WebApplicationBuilder AddRequestLimits(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxBodyBytes;
            kestrel.AddServerHeader = false;
        });
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
            // The error page re-executed for a refused request sees the same Content-Length; let it through.
            var reExecuted = context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is not null;
            if (context.Request.ContentLength > MaxBodyBytes && !reExecuted)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
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
}
