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
            return Results.LocalRedirect(LocalUrl.Safe(returnUrl) ?? "/");
        });

    /// <summary>"en" or "sv", for choosing between a questionnaire's two texts.</summary>
    public static string Language => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" ? "en" : "sv";
}
