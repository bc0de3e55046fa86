namespace HejSurvey.Web.Site;

/// <summary>Settings under "Site" that say where the public reaches the site.</summary>
public sealed class PublicOriginOptions
{
    /// <summary>
    /// `Site:PublicOrigin`: the absolute https address the public uses (e.g. https://hejdigitalt.example.se). The
    /// catalogue for Sveriges dataportal and the data package name everything with absolute addresses from it; unset,
    /// they use the address the request came to, which behind a proxy may not be the public one.
    /// </summary>
    public string? PublicOrigin { get; set; }
}

public static class PublicOrigin
{
    public const string Setting = "Site:PublicOrigin";

    public static WebApplicationBuilder AddPublicOrigin(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PublicOriginOptions>().BindConfiguration("Site")
            .Validate(o => o.PublicOrigin is null || Parse(o.PublicOrigin) is not null, $"{Setting} must be an absolute https address with no path, such as https://hejdigitalt.example.se.")
            .ValidateOnStart();
        return builder;
    }

    /// <summary>The public origin, without a trailing slash: the configured one, or else the one this request came to.</summary>
    public static string For(HttpContext context)
    {
        var configured = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<PublicOriginOptions>>().Value.PublicOrigin;
        return configured is not null && Parse(configured) is { } origin
            ? origin.GetLeftPart(UriPartial.Authority)
            : $"{context.Request.Scheme}://{context.Request.Host.ToUriComponent()}";
    }

    private static Uri? Parse(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.Fragment.Length == 0
            ? uri
            : null;
}
