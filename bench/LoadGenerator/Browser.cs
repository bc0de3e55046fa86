using System.Net;
using System.Text.RegularExpressions;

namespace HejSurvey.Bench;

/// <summary>
/// One respondent's browser: its own cookie jar, and the forms of the pages it reads. Cookies are kept by name
/// and sent back whatever their Secure flag says, because the benchmark talks plain HTTP on loopback.
/// </summary>
internal sealed partial class Browser(HttpClient http)
{
    private readonly Dictionary<string, string> cookies = [];

    public async Task<(HttpStatusCode Status, string Body, string? Location)> SendAsync(HttpMethod method, string url, HttpContent? content = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        if (CookieHeader is { } cookieHeader)
        {
            request.Headers.Add("Cookie", cookieHeader);
        }
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                var pair = setCookie.Split(';', 2)[0];
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    cookies[pair[..equals].Trim()] = pair[(equals + 1)..].Trim();
                }
            }
        }
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return (response.StatusCode, body, response.Headers.Location?.OriginalString);
    }

    public string? CookieHeader => cookies.Count == 0 ? null : string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}"));

    /// <summary>The first POST form of a page: its hidden fields, its radio groups (name → values) and its other inputs.</summary>
    public static PageForm ReadForm(string html)
    {
        var start = html.IndexOf("<form method=\"post\"", StringComparison.OrdinalIgnoreCase);
        var end = start < 0 ? -1 : html.IndexOf("</form>", start, StringComparison.OrdinalIgnoreCase);
        var form = start < 0 || end < 0 ? "" : html[start..end];
        var hidden = new Dictionary<string, string>();
        var radios = new Dictionary<string, List<string>>();
        var text = new List<string>();
        var password = new List<string>();
        foreach (Match input in InputTag().Matches(form))
        {
            var tag = input.Value;
            var type = Attribute(tag, "type") ?? "text";
            var name = Attribute(tag, "name");
            if (name is null)
            {
                continue;
            }
            switch (type)
            {
                case "hidden":
                    hidden[name] = WebUtility.HtmlDecode(Attribute(tag, "value") ?? "");
                    break;
                case "radio":
                    if (!radios.TryGetValue(name, out var values))
                    {
                        radios[name] = values = [];
                    }
                    values.Add(WebUtility.HtmlDecode(Attribute(tag, "value") ?? ""));
                    break;
                case "password":
                    password.Add(name);
                    break;
                case "text" or "email":
                    text.Add(name);
                    break;
            }
        }
        var textareas = TextareaTag().Matches(form).Select(m => m.Groups[1].Value).ToList();
        return new PageForm(hidden, radios, text, password, textareas);
    }

    // IndexOf rather than a regular expression per attribute: the generator shares the cores with the server.
    private static string? Attribute(string tag, string name)
    {
        var marker = $" {name}=\"";
        var start = tag.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
        if (start < 0)
        {
            return null;
        }
        start += marker.Length;
        var end = tag.IndexOf('"', start);
        return end < 0 ? null : tag[start..end];
    }

    [GeneratedRegex("<input\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputTag();

    [GeneratedRegex("<textarea\\b[^>]*\\sname=\"([^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex TextareaTag();
}

internal sealed record PageForm(
    Dictionary<string, string> Hidden,
    Dictionary<string, List<string>> Radios,
    List<string> TextInputs,
    List<string> PasswordInputs,
    List<string> Textareas);
