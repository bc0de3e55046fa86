using System.Security.Cryptography;
using System.Text;

namespace HejSurvey.Web.Survey;

/// <summary>
/// One response per browser and round without personal data: the browser keeps a random token in a cookie
/// and the database keeps only a hash of it, salted with the round so two rounds cannot be linked.
/// </summary>
public static class RespondentToken
{
    public const string CookieName = "hej_respondent";

    /// <summary>The browser's token, given a new one (and the cookie) if it has none or a malformed one.</summary>
    public static string Ensure(HttpContext context)
    {
        if (Read(context) is { } token)
        {
            return token;
        }
        token = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        context.Response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            IsEssential = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            MaxAge = TimeSpan.FromDays(400),
        });
        return token;
    }

    public static string? Read(HttpContext context) =>
        context.Request.Cookies[CookieName] is { Length: 64 } token && token.All(char.IsAsciiHexDigit) ? token : null;

    public static string Hash(string roundSlug, string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{roundSlug}\n{token}")));
}
