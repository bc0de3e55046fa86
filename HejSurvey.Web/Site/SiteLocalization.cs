using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.WebEncoders;

namespace HejSurvey.Web.Site;

/// <summary>Swedish by default; English through ?culture=en, the language switch or the culture cookie. The browser's language is not used.</summary>
public static class SiteLocalization
{
    public static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv-SE");
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    public static WebApplicationBuilder AddSiteLocalization(this WebApplicationBuilder builder)
    {
        builder.Services.AddLocalization(options => options.ResourcesPath = "Resources");
        // Swedish letters are written as themselves, not as &#xE5; entities.
        builder.Services.Configure<WebEncoderOptions>(options => options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        builder.Services.Configure<RequestLocalizationOptions>(options =>
        {
            options.DefaultRequestCulture = new RequestCulture(Swedish);
            options.SupportedCultures = [Swedish, English];
            options.SupportedUICultures = [Swedish, English];
            options.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()];
        });
        return builder;
    }

    /// <summary>GET /language/{culture}?returnUrl=…: remembers the choice in the standard culture cookie and goes back.</summary>
    public static void MapLanguageSwitch(this WebApplication app) =>
        app.MapGet("/language/{culture}", (string culture, string? returnUrl, HttpContext context) =>
        {
            var chosen = culture == "en" ? English : Swedish;
            context.Response.Cookies.Append(
                CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
                new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = context.Request.IsHttps });
            return Results.LocalRedirect(WithoutCulture(LocalUrl.Safe(returnUrl) ?? "/"));
        });

    /// <summary>
    /// The address without its ?culture= and ?ui-culture=, which would outrank the cookie just set: a page reached
    /// through ?culture=en would otherwise come back in English after the switch to Swedish.
    /// </summary>
    internal static string WithoutCulture(string url)
    {
        var split = url.IndexOfAny(['?', '#']);
        if (split < 0 || url[split] == '#')
        {
            return url;
        }
        var fragmentAt = url.IndexOf('#', split);
        var query = fragmentAt < 0 ? url[(split + 1)..] : url[(split + 1)..fragmentAt];
        // Query keys are read without regard to case, so ?Culture=en outranks the cookie as well.
        static bool IsCulture(string pair) =>
            pair.Split('=')[0] is var key && (key.Equals("culture", StringComparison.OrdinalIgnoreCase) || key.Equals("ui-culture", StringComparison.OrdinalIgnoreCase));
        var kept = query.Split('&').Where(p => p.Length > 0 && !IsCulture(p)).ToList();
        return url[..split] + (kept.Count > 0 ? "?" + string.Join('&', kept) : "") + (fragmentAt < 0 ? "" : url[fragmentAt..]);
    }

    /// <summary>"en" or "sv", for choosing between a questionnaire's two texts.</summary>
    public static string Language => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" ? "en" : "sv";
}
