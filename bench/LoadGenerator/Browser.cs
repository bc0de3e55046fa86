using System.Net;

namespace HejSurvey.Bench;

/// <summary>
/// One respondent's browser: its own cookie jar, and the forms of the pages it reads. Cookies are kept by name
/// and sent back whatever their Secure flag says, because the benchmark talks plain HTTP on loopback.
/// </summary>
internal sealed class Browser(HttpClient http)
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
    /// <remarks>
    /// Plain ordinal searches for the tags and attributes the site writes (lower case, double quotes), not a regular
    /// expression or case-insensitive search: the generator shares the cores with the server, and reading each
    /// 40 KB page was a third of its own time.
    /// </remarks>
    public static PageForm ReadForm(string html)
    {
        var start = html.IndexOf("<form method=\"post\"", StringComparison.Ordinal);
        var end = start < 0 ? -1 : html.IndexOf("</form>", start, StringComparison.Ordinal);
        var form = start < 0 || end < 0 ? "" : html[start..end];
        var hidden = new Dictionary<string, string>();
        var radios = new Dictionary<string, List<string>>();
        var text = new List<string>();
        var password = new List<string>();
        var textareas = new List<string>();
        foreach (var tag in Tags(form, "<input "))
        {
            var type = Attribute(tag, " type=\"") ?? "text";
            if (Attribute(tag, " name=\"") is not { } name)
            {
                continue;
            }
            switch (type)
            {
                case "hidden":
                    hidden[name] = Attribute(tag, " value=\"") ?? "";
                    break;
                case "radio":
                    if (!radios.TryGetValue(name, out var values))
                    {
                        radios[name] = values = [];
                    }
                    values.Add(Attribute(tag, " value=\"") ?? "");
                    break;
                case "password":
                    password.Add(name);
                    break;
                case "text" or "email":
                    text.Add(name);
                    break;
            }
        }
        foreach (var tag in Tags(form, "<textarea "))
        {
            if (Attribute(tag, " name=\"") is { } name)
            {
                textareas.Add(name);
            }
        }
        return new PageForm(hidden, radios, text, password, textareas);
    }

    /// <summary>Each tag that starts with <paramref name="opening"/>, up to its closing "&gt;".</summary>
    private static IEnumerable<string> Tags(string html, string opening)
    {
        for (var at = html.IndexOf(opening, StringComparison.Ordinal); at >= 0; at = html.IndexOf(opening, at + 1, StringComparison.Ordinal))
        {
            var close = html.IndexOf('>', at);
            if (close < 0)
            {
                yield break;
            }
            yield return html[at..(close + 1)];
        }
    }

    /// <summary>An attribute's value, HTML-decoded; <paramref name="marker"/> is its name with the space before and =" after.</summary>
    private static string? Attribute(string tag, string marker)
    {
        var start = tag.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }
        start += marker.Length;
        var end = tag.IndexOf('"', start);
        if (end < 0)
        {
            return null;
        }
        var value = tag[start..end];
        return value.Contains('&', StringComparison.Ordinal) ? WebUtility.HtmlDecode(value) : value;
    }
}

internal sealed record PageForm(
    Dictionary<string, string> Hidden,
    Dictionary<string, List<string>> Radios,
    List<string> TextInputs,
    List<string> PasswordInputs,
    List<string> Textareas);
