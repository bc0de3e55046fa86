using SpreadCheetah.Worksheets;

namespace HejSurvey.Web.Site;

/// <summary>What the admin's and the public's workbooks share.</summary>
public static class Workbooks
{
    /// <summary>
    /// For a workbook streamed to the response: .NET's zip archive under it ends each sheet and the file with small
    /// synchronous writes (a known limit of ZipArchive on a stream that cannot seek); the rows go out asynchronously.
    /// </summary>
    public static void AllowSynchronousWrites(this HttpContext context)
    {
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpBodyControlFeature>() is { } body)
        {
            body.AllowSynchronousIO = true;
        }
    }

    /// <summary>Column widths in characters, from the first column on.</summary>
    public static WorksheetOptions Widths(this WorksheetOptions options, params double[] widths)
    {
        for (var i = 0; i < widths.Length; i++)
        {
            options.Column(i + 1).Width = widths[i];
        }
        return options;
    }
}
