using System.Text;

namespace HejSurvey.Web.Site;

/// <summary>
/// Return addresses taken from a request (?returnUrl=, ?ReturnUrl=). A redirect goes only to a path of this site, and
/// its Location header is plain ASCII: Kestrel refuses to send a header with any other character, which used to turn
/// a return address such as <c>/å</c> or <c>/%09/x</c> into a 500.
/// </summary>
public static class LocalUrl
{
    /// <summary>
    /// The address as a path of this site with every character outside URL syntax percent-encoded (UTF-8), or null
    /// when it is not a path of this site or holds a control character.
    /// </summary>
    public static string? Safe(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/' || url.StartsWith("//", StringComparison.Ordinal) || url.Contains('\\'))
        {
            return null;
        }
        var safe = new StringBuilder(url.Length);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in url.EnumerateRunes())
        {
            if (Rune.IsControl(rune))
            {
                return null;
            }
            if (rune.IsAscii && IsUrlCharacter((char)rune.Value))
            {
                safe.Append((char)rune.Value);
                continue;
            }
            var length = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..length])
            {
                safe.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return safe.ToString();
    }

    /// <summary>Unreserved and reserved characters of RFC 3986, and % for what is already encoded.</summary>
    private static bool IsUrlCharacter(char c) =>
        char.IsAsciiLetterOrDigit(c) || "-._~:/?#[]@!$&'()*+,;=%".Contains(c, StringComparison.Ordinal);
}
