using System.IO.Compression;
using Microsoft.AspNetCore.ResponseCompression;

namespace HejSurvey.Web.OpenResults;

/// <summary>
/// The public results and the scripts and styles they load are sent compressed: on a phone's connection the
/// results page with a breakdown (about 150 KB of tables) and Chart.js (about 200 KB) took seconds before the first
/// paint. Only these paths are compressed, and over HTTPS too: they hold no secret (no antiforgery token, no
/// session), so an attacker who can inject text into them learns nothing by watching the compressed size
/// (BREACH). The survey form and the admin area, which do carry tokens, are never compressed.
/// </summary>
public static class ResultsCompression
{
    public static WebApplicationBuilder AddResultsCompression(this WebApplicationBuilder builder)
    {
        builder.Services.AddResponseCompression(options =>
        {
            options.EnableForHttps = true;
            options.MimeTypes = ["text/html", "text/css", "text/javascript", "application/javascript", "text/csv", "application/json"];
        });
        // The fastest levels: a page from the output cache is compressed again for every reader, so the cost per
        // request matters more than the last few per cent of size.
        builder.Services.Configure<BrotliCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);
        builder.Services.Configure<GzipCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);
        return builder;
    }

    public static IApplicationBuilder UseResultsCompression(this IApplicationBuilder app) =>
        app.UseWhen(context => IsPublicResult(context.Request.Path), branch => branch.UseResponseCompression());

    private static bool IsPublicResult(PathString path) =>
        path.StartsWithSegments("/results") || path.StartsWithSegments("/lib") || path.StartsWithSegments("/css") || path.StartsWithSegments("/js");
}
