using System.Globalization;
using HejSurvey.Web.Site;
using HejSurvey.Web.Survey;

// Not "HejSurvey.Web.Results": a namespace of that name would hide ASP.NET Core's Results class from the whole site.
namespace HejSurvey.Web.OpenResults;

/// <summary>
/// Results are read far more often than they change, so every results route is served from the output
/// cache until answers to a round with live results are committed (answers to other open rounds change no
/// results page), a round closes, or the publication of a round changes. Each of these tells
/// <see cref="Site.SiteChanges"/>, which evicts <see cref="CacheTag"/> on every web node.
/// </summary>
public static class ResultsSetup
{
    public const string CachePolicy = "results";
    public const string CacheTag = "results";

    public static WebApplicationBuilder AddResults(this WebApplicationBuilder builder)
    {
        builder.Services.AddOutputCache(options => options.AddPolicy(CachePolicy, policy => policy
            .Tag(CacheTag)
            .SetVaryByQuery("by", "compare", "culture")
            // The culture may also come from the cookie, so the key holds the culture the page was rendered in.
            .VaryByValue(_ => KeyValuePair.Create("ui-culture", CultureInfo.CurrentUICulture.Name))
            // A render that read the tallies just before a commit is stored under the generation it began in, which no
            // request reads after the change; eviction frees those entries and expiry the few stored after it.
            .VaryByValue(context => KeyValuePair.Create("generation", context.RequestServices.GetRequiredService<SiteChanges>().Generation.ToString(CultureInfo.InvariantCulture)))
            .Expire(TimeSpan.FromMinutes(1))));
        builder.Services.AddSingleton<LiveSnapshots>();
        builder.Services.AddOpenApi(options =>
        {
            options.ShouldInclude = description =>
                description.RelativePath is { } path && (path.StartsWith("api/", StringComparison.Ordinal) || path.StartsWith("results/", StringComparison.Ordinal));
            // The document would name the server after the request's Host header, which anyone can forge; without a
            // server its paths are relative to wherever the document was read.
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Servers = [];
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    /// <summary>The minimum group size in force: never below 1, whatever the configuration says.</summary>
    public static int MinGroupSize(this SurveyOptions options) => Math.Max(1, options.MinGroupSize);
}
