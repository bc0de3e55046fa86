using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using HejSurvey.Tests.Pages;
using HejSurvey.Web.Survey;

namespace HejSurvey.Tests.Hostile;

/// <summary>
/// One malformed or hostile request. <see cref="Build"/> gets the hidden fields of a freshly read survey form
/// (valid antiforgery token and idempotency key, the browser holds the matching cookies), so that most requests
/// get past antiforgery and test what the site does with the rest.
/// </summary>
public sealed record HostileRequest(string Name, Func<IReadOnlyDictionary<string, string>, HttpRequestMessage> Build);

/// <summary>The corpus: every case is sent to a site with one open round, <see cref="Slug"/>.</summary>
public static class HostileRequests
{
    public const string Slug = "hostile";
    private const string Url = "/survey/" + Slug;
    private const string Token = "__RequestVerificationToken";

    private static readonly QuestionnaireDefinition Questionnaire = ShippedQuestionnaires.Newest;
    private static readonly string FreeTextKey = Questionnaire.FreeText.Key;
    private static readonly string FirstKey = Questionnaire.Statements.ElementAt(0).Key;

    public static readonly string[] Scripts =
    [
        "<script>alert(1)</script>",
        "\"><script>alert(1)</script>",
        "'><img src=x onerror=alert(1)>",
        "<svg/onload=alert(1)>",
        "</textarea><script>alert(1)</script>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<iframe src=//evil.example></iframe>",
        "{{constructor.constructor('alert(1)')()}}",
        "<body onload=alert(1)>",
        "<math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    ];

    public static readonly string[] Sql =
    [
        "' OR '1'='1",
        "1' OR 1=1 --",
        "1; DROP TABLE Responses; --",
        "'); DELETE FROM Answers; --",
        "1 UNION SELECT RespondentHash FROM Responses --",
        "\" OR \"\"=\"",
        "1' AND (SELECT COUNT(*) FROM sqlite_master) > 0 --",
        "%27%20OR%201%3D1",
    ];

    private static readonly string[] BadValues =
        ["6", "-1", "7", "99999999999999999999", "1.5", "1e1", "abc", " 1", "1 ", "+1", "0x1", "１", "٣", "NaN", "null", "true", "[1]"];

    private static readonly string[] TraversalSlugs =
    [
        "..%2F..%2Fappsettings.json", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "....%2F%2F....%2F%2Fetc%2Fpasswd", "..%5C..%5Cweb.config",
        "%252e%252e%252f", "hostile%2F..%2F..%2Fadmin", "%2500", "hostile%2500.db", "..", "%2e%2e", "~root", "hostile%0d%0aSet-Cookie:%20x=1",
    ];

    public static IEnumerable<HostileRequest> All()
    {
        var complete = SurveyJourneyTests.CompleteAnswers();

        // Oversized bodies: past the 64 KB limit, by far, or claiming to be.
        foreach (var size in new[] { 65 * 1024, 256 * 1024, 2 * 1024 * 1024 })
        {
            yield return new($"body of {size} bytes", f => Post(Form(f, complete, (FreeTextKey, new string('a', size)))));
        }
        yield return new("64 KB of fields", f => Post(Form(f, complete, Enumerable.Range(0, 3000).Select(i => ($"f{i}", new string('b', 20))).ToArray())));
        yield return new("10,000 parameters", f => Post(Raw(string.Join('&', Enumerable.Range(0, 10_000).Select(i => $"a{i}=1")), "application/x-www-form-urlencoded")));
        yield return new("one key of 5,000 characters", f => Post(Form(f, complete, (new string('k', 5000), "1"))));
        yield return new("free text over 2,000 characters and a missing answer", f => Post(Form(f, Without(complete, Questionnaire.Statements.ElementAt(0).Key), (FreeTextKey, new string('c', 2001)))));
        yield return new("multipart body with a 100 KB file", f => Post(Multipart(f, complete, fileBytes: 100 * 1024)));

        // Antiforgery: missing, empty, forged, another browser's, moved to a header.
        yield return new("no antiforgery token", f => Post(Form(Except(f, Token), complete)));
        yield return new("empty antiforgery token", f => Post(Form(With(f, Token, ""), complete)));
        yield return new("random antiforgery token", f => Post(Form(With(f, Token, "CfDJ8" + new string('A', 150)), complete)));
        yield return new("truncated antiforgery token", f => Post(Form(With(f, Token, f[Token][..(f[Token].Length / 2)]), complete)));
        yield return new("antiforgery token with a changed character", f => Post(Form(With(f, Token, Flip(f[Token])), complete)));
        yield return new("antiforgery token that is not base64", f => Post(Form(With(f, Token, "!!!***%%%"), complete)));
        yield return new("antiforgery token given twice", f => Post(Form(f, complete, (Token, f[Token]))));
        yield return new("forged antiforgery token in a header", f => Post(Form(Except(f, Token), complete), ("RequestVerificationToken", Flip(f[Token]))));
        yield return new("antiforgery token without its cookie", f => WithoutCookies(Post(Form(f, complete))));
        yield return new("antiforgery token with a forged cookie", f => WithCookie(Post(Form(f, complete)), ".AspNetCore.Antiforgery.forged=CfDJ8AAAA"));
        yield return new("SQL in the antiforgery token", f => Post(Form(With(f, Token, Sql[0]), complete)));
        yield return new("script in the antiforgery token", f => Post(Form(With(f, Token, Scripts[0]), complete)));

        // Idempotency key: missing, malformed, hostile.
        yield return new("no idempotency key", f => Post(Form(Except(f, SurveyForm.IdempotencyField), complete)));
        foreach (var key in new[] { "", "not-a-guid", "00000000-0000-0000-0000-00000000000G", Sql[1], Scripts[1], new string('1', 3000) })
        {
            yield return new($"idempotency key {Short(key)}", f => Post(Form(With(f, SurveyForm.IdempotencyField, key), complete)));
        }
        yield return new("idempotency key given twice", f => Post(Form(f, complete, (SurveyForm.IdempotencyField, Guid.NewGuid().ToString()))));

        // Every choice question: values that are not options, SQL and script in the value, the key given twice.
        foreach (var key in Questionnaire.ChoiceKeys)
        {
            foreach (var value in BadValues.Concat(Sql.Take(3)).Concat(Scripts.Take(2)))
            {
                yield return new($"{key}={Short(value)}", f => Post(Form(f, With(complete, key, value))));
            }
            yield return new($"{key} given twice", f => Post(Form(f, complete, (key, complete[key]))));
            yield return new($"{key} given twice, once hostile", f => Post(Form(f, complete, (key, Sql[0]))));
        }

        // Unknown keys next to a complete answer.
        foreach (var key in new[] { "q999", "Input.Answers[q1]", "Answers[q1]", "__proto__", "constructor", "RoundId", "Round.State", "ResponseCount", FirstKey + " ", " " + FirstKey, FirstKey.ToUpperInvariant(), FirstKey + "\0", Sql[0], Scripts[0], "" })
        {
            yield return new($"unknown key {Short(key)}", f => Post(Form(f, complete, (key, "1"))));
        }

        // Free text: script and SQL, with one answer missing so the form comes back and echoes the text.
        foreach (var payload in Scripts.Concat(Sql))
        {
            yield return new($"free text {Short(payload)}", f => Post(Form(f, Without(complete, Questionnaire.Statements.ElementAt(1).Key), (FreeTextKey, payload))));
        }
        yield return new("free text of control characters", f => Post(Form(f, Without(complete, Questionnaire.Statements.ElementAt(1).Key), (FreeTextKey, "\0\u0001\u001b[31m\u007f\u2028\u202e"))));

        // Invalid UTF-8 in values and keys, percent-encoded and raw.
        var form = "IdempotencyKey={key}&__RequestVerificationToken={token}";
        foreach (var bad in new[] { "%FF%FE", "%C0%AF", "%ED%A0%80", "%E2%82", "%F8%88%80%80%80" })
        {
            yield return new($"invalid UTF-8 {bad} in the free text", f => Post(Raw(Fill(form, f) + $"&{FirstKey}=1&{FreeTextKey}=a{bad}b", "application/x-www-form-urlencoded")));
            yield return new($"invalid UTF-8 {bad} in a value", f => Post(Raw(Fill(form, f) + $"&{FirstKey}=1{bad}", "application/x-www-form-urlencoded")));
            yield return new($"invalid UTF-8 {bad} in a key", f => Post(Raw(Fill(form, f) + $"&q{bad}=1", "application/x-www-form-urlencoded")));
        }
        yield return new("raw invalid UTF-8 bytes", f => Post(RawBytes([.. Encoding.ASCII.GetBytes(Fill(form, f) + "&" + FreeTextKey + "="), 0xFF, 0xC0, 0xAF, 0xED, 0xA0, 0x80], "application/x-www-form-urlencoded")));
        yield return new("UTF-16 body declared as a form", f => Post(RawBytes(Encoding.Unicode.GetBytes(Fill(form, f) + "&q1=1"), "application/x-www-form-urlencoded; charset=utf-16")));

        // Wrong content types and bodies that are not forms.
        yield return new("JSON body", f => Post(Raw($"{{\"q1\":1,\"{Token}\":\"{f[Token]}\"}}", "application/json")));
        yield return new("XML body", f => Post(Raw("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>", "application/xml")));
        yield return new("text/plain body", f => Post(Raw(Fill(form, f) + "&q1=1", "text/plain")));
        yield return new("no content type", f => Post(RawBytes(Encoding.ASCII.GetBytes(Fill(form, f) + "&q1=1"), null)));
        yield return new("form body with charset utf-7", f => Post(Raw(Fill(form, f) + "&q1=1", "application/x-www-form-urlencoded; charset=utf-7")));
        yield return new("multipart without a boundary", f => Post(Raw("--x\r\nContent-Disposition: form-data; name=\"q1\"\r\n\r\n1\r\n--x--", "multipart/form-data")));
        yield return new("multipart that never ends", f => Post(Raw("--x\r\nContent-Disposition: form-data; name=\"q1\"\r\n\r\n1", "multipart/form-data; boundary=x")));
        yield return new("multipart without an antiforgery token", f => Post(Multipart(Except(f, Token), complete, fileBytes: 0)));
        yield return new("empty body", f => Post(Raw("", "application/x-www-form-urlencoded")));
        yield return new("body of only separators", f => Post(Raw("&&&===&&&", "application/x-www-form-urlencoded")));
        yield return new("gzip-declared body", f => Post(Raw(Fill(form, f), "application/x-www-form-urlencoded"), ("Content-Encoding", "gzip")));

        // Wrong methods.
        foreach (var method in new[] { "PUT", "DELETE", "PATCH", "TRACE", "PROPFIND", "CONNECT" })
        {
            // HttpClient sends CONNECT only with a Host header.
            yield return new($"{method} on the survey", f => method == "CONNECT" ? WithHost(Send(new HttpMethod(method), Url, Form(f, complete)), "127.0.0.1") : Send(new HttpMethod(method), Url, Form(f, complete)));
        }
        yield return new("POST to the landing page", f => Send(HttpMethod.Post, "/", Form(f, complete)));
        yield return new("POST to the thank-you page", f => Send(HttpMethod.Post, Url + "/thanks", Form(f, complete)));
        yield return new("POST to the error page", f => Send(HttpMethod.Post, "/error/500", Form(f, complete)));
        yield return new("POST to a static file", f => Send(HttpMethod.Post, "/css/site.css", Form(f, complete)));
        yield return new("DELETE on a static file", f => Send(HttpMethod.Delete, "/css/site.css", null));
        // An unknown handler name falls back to OnPost, so a complete form would be a real answer: leave one out.
        yield return new("POST with a handler that does not exist", f => Send(HttpMethod.Post, Url + "?handler=Delete", Form(f, Without(complete, FirstKey))));
        yield return new("method override header", f => Post(Form(f, Without(complete, Questionnaire.Statements.ElementAt(0).Key)), ("X-HTTP-Method-Override", "DELETE")));

        // Route parameters: SQL, script and path traversal in the slug, on GET and POST.
        foreach (var payload in Sql.Concat(Scripts))
        {
            var slug = Uri.EscapeDataString(payload);
            yield return new($"GET survey slug {Short(payload)}", _ => Send(HttpMethod.Get, "/survey/" + slug, null));
            yield return new($"POST survey slug {Short(payload)}", f => Send(HttpMethod.Post, "/survey/" + slug, Form(f, complete)));
            yield return new($"thanks slug {Short(payload)}", _ => Send(HttpMethod.Get, $"/survey/{slug}/thanks", null));
        }
        foreach (var slug in TraversalSlugs)
        {
            yield return new($"GET survey slug {slug}", _ => Send(HttpMethod.Get, "/survey/" + slug, null));
            yield return new($"POST survey slug {slug}", f => Send(HttpMethod.Post, "/survey/" + slug, Form(f, complete)));
        }
        foreach (var path in new[] { "/css/..%2F..%2Fappsettings.json", "/..%2Fappsettings.json", "/css/%2e%2e/%2e%2e/HejSurvey.Web.dll", "/App_Data/hejsurvey.db", "/appsettings.json", "/.git/config", "/error/%3Cscript%3E", "/error/99999999999", "/error/-1", "/language/%3Cscript%3E" })
        {
            yield return new($"GET {path}", _ => Send(HttpMethod.Get, path, null));
        }

        // Query strings: huge, repeated, hostile; the culture and the language switch's return address.
        yield return new("query string of 6 KB", _ => Send(HttpMethod.Get, Url + "?x=" + new string('q', 6 * 1024), null));
        yield return new("query string of 40 KB", _ => Send(HttpMethod.Get, Url + "?x=" + new string('q', 40 * 1024), null));
        yield return new("1,000 query parameters", _ => Send(HttpMethod.Get, Url + "?" + string.Join('&', Enumerable.Range(0, 1000).Select(i => $"p{i}=1")), null));
        yield return new("POST with a 6 KB query string", f => Send(HttpMethod.Post, Url + "?x=" + new string('q', 6 * 1024), Form(f, Without(complete, Questionnaire.Statements.ElementAt(0).Key))));
        foreach (var payload in Sql.Take(3).Concat(Scripts.Take(4)).Append("xx-INVALID").Append(new string('c', 300)))
        {
            var escaped = Uri.EscapeDataString(payload);
            yield return new($"culture {Short(payload)}", _ => Send(HttpMethod.Get, Url + "?culture=" + escaped + "&ui-culture=" + escaped, null));
            yield return new($"culture cookie {Short(payload)}", _ => WithCookie(Send(HttpMethod.Get, Url, null), ".AspNetCore.Culture=c=" + escaped + "|uic=" + escaped));
        }
        foreach (var target in new[] { "javascript:alert(1)", "//evil.example/", "/\\evil.example", "https://evil.example", "\\\\evil.example", "/%09/evil.example", Scripts[1], Sql[0] })
        {
            yield return new($"language switch to {Short(target)}", _ => Send(HttpMethod.Get, "/language/en?returnUrl=" + Uri.EscapeDataString(target), null));
        }

        // Bodies that are no form, with a valid antiforgery token in the header (antiforgery takes it from there too).
        const string HeaderToken = "RequestVerificationToken";
        foreach (var (kind, body, type) in new (string, string, string?)[]
        {
            ("JSON", "{\"q1\":1}", "application/json"),
            ("text/plain", "q1=1", "text/plain"),
            ("XML", "<?xml version=\"1.0\"?><x>1</x>", "application/xml"),
            ("no content type", "q1=1", null),
            ("empty, no content type", "", null),
            ("octet-stream", "\u0000\u0001", "application/octet-stream"),
        })
        {
            yield return new($"{kind} body with the token in the header", f => Post(RawBytes(Encoding.UTF8.GetBytes(body), type), (HeaderToken, f[Token])));
            yield return new($"{kind} body to the login with the token in the header", f => PostTo("/admin/login", RawBytes(Encoding.UTF8.GetBytes(body), type), (HeaderToken, f[Token])));
        }
        yield return new("no body at all with the token in the header", f => Post(null, (HeaderToken, f[Token])));
        yield return new("multipart without a boundary, token in the header", f => Post(Raw("--x\r\nContent-Disposition: form-data; name=\"q1\"\r\n\r\n1\r\n--x--", "multipart/form-data"), (HeaderToken, f[Token])));
        yield return new("multipart that never ends, token in the header", f => Post(Raw("--x\r\nContent-Disposition: form-data; name=\"q1\"\r\n\r\n1", "multipart/form-data; boundary=x"), (HeaderToken, f[Token])));
        yield return new("form with charset utf-7, token in the header", f => Post(Raw("q1=1", "application/x-www-form-urlencoded; charset=utf-7"), (HeaderToken, f[Token])));
        yield return new("multipart without a boundary to the login, token in the header", f => PostTo("/admin/login", Raw("--x\r\nContent-Disposition: form-data; name=\"Input.Name\"\r\n\r\n1\r\n--x--", "multipart/form-data"), (HeaderToken, f[Token])));
        // Uploads of questionnaires: without an admin session they never reach the import.
        foreach (var (kind, body) in new[] { ("deep", new string('[', 100_000)), ("not JSON", "{\"key\": ,}"), ("oversized", new string(' ', (int)Web.Site.RequestLimits.MaxBodyBytes + 10)) })
        {
            yield return new($"{kind} questionnaire upload, token in the header", f => PostTo("/admin/questionnaires/import", new MultipartFormDataContent { { new StringContent(body), "file", "q.json" } }, (HeaderToken, f[Token])));
        }
        yield return new("XLSForm zip bomb upload without a session", f => PostTo(Web.Site.RequestLimits.ImportPath, Upload(f, ZipBomb(), "bomb.xlsx")));
        yield return new("import upload past the import's own limit without a session", f => PostTo(Web.Site.RequestLimits.ImportPath, Upload(f, new byte[Web.Site.RequestLimits.MaxImportBodyBytes + 1], "big.xlsx")));
        yield return new("import-sized upload to the survey", f => Post(Upload(f, new byte[Web.Site.RequestLimits.MaxImportFileBytes - 1024], "big.xlsx")));
        yield return new("questionnaire editor post without a session", f => PostTo("/admin/questionnaires/hej-digitalt/1/edit", Form(f, new Dictionary<string, string> { ["action"] = "add-theme" })));
        yield return new("round re-binding without a session", f => PostTo("/admin/rounds/" + Slug + "/questionnaire", Form(f, new Dictionary<string, string> { ["QuestionnaireId"] = "1" })));
        yield return new("multipart that never ends to the login, token in the header", f => PostTo("/admin/login", Raw("--x\r\nContent-Disposition: form-data; name=\"Input.Name\"\r\n\r\nx", "multipart/form-data; boundary=x"), (HeaderToken, f[Token])));

        // Return addresses that cannot go into a Location header as they are: non-ASCII, control characters, line breaks.
        foreach (var target in new[] { "/%C3%A5", "/%09/x", "/%0d%0a/x", "/x%0d%0aSet-Cookie:%20a=b", "/%00", "/%E2%80%AE", "/%FF", "/%ED%A0%80", "/a%20b%22%3C", "%C3%A5", "/%F0%9F%98%80" })
        {
            yield return new($"language switch to raw {target}", _ => Send(HttpMethod.Get, "/language/en?returnUrl=" + target, null));
            yield return new($"correct sign-in returning to raw {target}", f => SignIn("/admin/login?ReturnUrl=" + target, f));
            yield return new($"correct sign-in returning to raw /admin{target}", f => SignIn("/admin/login?ReturnUrl=%2Fadmin" + target, f));
            yield return new($"unknown admin returning to raw /admin{target}", f => SignIn("/admin/login?ReturnUrl=%2Fadmin" + target, f, name: "hostile-nobody"));
            // A NUL in the path never reaches the site (Kestrel refuses it; the test host throws before sending).
            if (target != "/%00")
            {
                yield return new($"anonymous admin page raw /admin{target}", _ => Send(HttpMethod.Get, "/admin" + target, null));
            }
        }
        foreach (var target in new[] { "https%3A%2F%2Fevil.example", "%2F%2Fevil.example", "%2Fadmin%2F%2Fevil.example", "%2Fadmin%5C..%5Cevil", "javascript:alert(1)", "%2Fadmin%2F..%2F..%2Fsurvey" })
        {
            yield return new($"correct sign-in returning to {target}", f => SignIn("/admin/login?ReturnUrl=" + target, f));
        }
        foreach (var url in new[] { "/admin/rounds/%C3%A5", "/admin/rounds/%C3%A5/responses.csv", "/admin/%09/x", "/survey/%C3%A5", "/survey/%C3%A5/thanks", "/results/%C3%A5", "/results/%C3%A5/data.csv", "/results/%C3%A5/distribution.csv", "/api/rounds/%C3%A5/results",
            "/results/%C3%A5/method", "/results/%C3%A5/data.xlsx", "/results/%C3%A5/embed/overview", "/results/" + Slug + "/embed/%C3%A5", "/results/" + Slug + "/embed/%27%3E%3Cscript%3E",
            "/results/" + Slug + "/embed/overview?by=%C3%A5&compare=%27", "/catalog.rdf?%C3%A5", "/admin/rounds/%C3%A5/responses.sps", "/admin/rounds/%C3%A5/responses.R", "/admin/rounds/%C3%A5/responses.xlsx",
            "/admin/rounds/%C3%A5/close", "/admin/rounds/%C3%A5/qr.svg", "/admin/rounds/%27%3E%3Cscript%3E/qr.png",
            "/admin/questionnaires", "/admin/questionnaires/%C3%A5/1", "/admin/questionnaires/hej-digitalt/99999999999", "/admin/questionnaires/%C3%A5/1.json", "/admin/questionnaires/hej-digitalt/1.xlsx", "/admin/questionnaires/%C3%A5/1.xlsx", "/admin/questionnaires/hej-digitalt/99999999999.xlsx",
            "/admin/questionnaires/hej-digitalt/1/edit", "/admin/questionnaires/import", "/admin/rounds/%C3%A5/questionnaire", "/schemas/questionnaire.schema.json?%C3%A5" })
        {
            yield return new($"GET {url}", _ => Send(HttpMethod.Get, url, null));
        }

        // A forged Host header must not come back in a Location (AllowedHosts is * in the test host).
        foreach (var url in new[] { "/admin", "/admin/rounds/x", "/language/en?returnUrl=/results", Url + "/thanks" })
        {
            yield return new($"Host: evil.example on {url}", _ => WithHost(Send(HttpMethod.Get, url, null), "evil.example"));
        }
        yield return new("Host: evil.example on the survey post", f => WithHost(Post(Form(f, Without(complete, FirstKey))), "evil.example"));

        // Cookies: a hostile respondent token.
        foreach (var token in new[] { Sql[0], Scripts[0], new string('f', 63), new string('g', 64), new string('a', 4000) })
        {
            yield return new($"respondent cookie {Short(token)}", f => WithCookie(Post(Form(f, Without(complete, Questionnaire.Statements.ElementAt(2).Key))), "hej_respondent=" + Uri.EscapeDataString(token)));
        }
    }

    public static IEnumerable<object[]> Names() => All().Select(r => new object[] { r.Name });

    /// <summary>The admin of the hostile site and its password, for requests that sign in correctly.</summary>
    public const string AdminName = "hostile-admin";
    public const string AdminPassword = "hostile admin pass phrase 31";

    private static HttpRequestMessage Post(HttpContent? content, params (string Name, string Value)[] headers) => PostTo(Url, content, headers);

    private static HttpRequestMessage PostTo(string url, HttpContent? content, params (string Name, string Value)[] headers)
    {
        var request = Send(HttpMethod.Post, url, content);
        foreach (var (name, value) in headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content!.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return request;
    }

    private static HttpRequestMessage Send(HttpMethod method, string url, HttpContent? content) => new(method, url) { Content = content };

    /// <summary>The login form posted to that address with the survey form's antiforgery token (it is valid for any form).</summary>
    private static HttpRequestMessage SignIn(string url, IReadOnlyDictionary<string, string> hidden, string name = AdminName) =>
        PostTo(url, new FormUrlEncodedContent([new(Token, hidden[Token]), new("Input.Name", name), new("Input.Password", AdminPassword)]));

    private static HttpRequestMessage WithHost(HttpRequestMessage request, string host)
    {
        request.Headers.Host = host;
        return request;
    }

    private static HttpRequestMessage WithoutCookies(HttpRequestMessage request)
    {
        request.Options.Set(HostileCookies.Key, "");
        return request;
    }

    private static HttpRequestMessage WithCookie(HttpRequestMessage request, string cookie)
    {
        request.Options.Set(HostileCookies.Key, cookie);
        return request;
    }

    private static FormUrlEncodedContent Form(IReadOnlyDictionary<string, string> hidden, IReadOnlyDictionary<string, string> answers, params (string Key, string Value)[] extra) =>
        new(hidden.Concat(answers).Concat(extra.Select(e => new KeyValuePair<string, string>(e.Key, e.Value))));

    private static MultipartFormDataContent Multipart(IReadOnlyDictionary<string, string> hidden, IReadOnlyDictionary<string, string> answers, int fileBytes)
    {
        var content = new MultipartFormDataContent();
        foreach (var (key, value) in hidden.Concat(answers))
        {
            content.Add(new StringContent(value), key);
        }
        if (fileBytes > 0)
        {
            content.Add(new ByteArrayContent(new byte[fileBytes]), "upload", "big.bin");
        }
        return content;
    }

    /// <summary>A file in the import's multipart form, with the survey form's antiforgery token (valid for any form).</summary>
    private static MultipartFormDataContent Upload(IReadOnlyDictionary<string, string> hidden, byte[] file, string name) =>
        new() { { new StringContent(hidden[Token]), Token }, { new ByteArrayContent(file), "file", name } };

    /// <summary>A zip of 40 MB of zeros in a few tens of kilobytes.</summary>
    private static byte[] ZipBomb()
    {
        using var stream = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = archive.CreateEntry("xl/worksheets/sheet1.xml", System.IO.Compression.CompressionLevel.SmallestSize).Open();
            entry.Write(new byte[40 * 1024 * 1024]);
        }
        return stream.ToArray();
    }

    private static StringContent Raw(string body, string contentType)
    {
        var content = new StringContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    private static ByteArrayContent RawBytes(byte[] body, string? contentType)
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        return content;
    }

    private static string Fill(string form, IReadOnlyDictionary<string, string> hidden) =>
        form.Replace("{key}", Uri.EscapeDataString(hidden[SurveyForm.IdempotencyField]), StringComparison.Ordinal)
            .Replace("{token}", Uri.EscapeDataString(hidden[Token]), StringComparison.Ordinal);

    private static Dictionary<string, string> With(IReadOnlyDictionary<string, string> fields, string key, string value) =>
        new(fields) { [key] = value };

    private static Dictionary<string, string> Except(IReadOnlyDictionary<string, string> fields, string key) =>
        fields.Where(f => f.Key != key).ToDictionary();

    private static Dictionary<string, string> Without(IReadOnlyDictionary<string, string> fields, string key) => Except(fields, key);

    private static string Flip(string token)
    {
        var chars = token.ToCharArray();
        var i = chars.Length / 2;
        chars[i] = chars[i] == 'A' ? 'B' : 'A';
        return new string(chars);
    }

    private static string Short(string value)
    {
        var printable = new string(value.Select(c => char.IsControl(c) ? '·' : c).ToArray());
        return printable.Length <= 40 ? $"'{printable}'" : $"'{printable[..37]}…' ({value.Length.ToString(CultureInfo.InvariantCulture)} chars)";
    }
}

/// <summary>A request option that replaces the browser's cookies with the given Cookie header ("" for none).</summary>
public static class HostileCookies
{
    public static readonly HttpRequestOptionsKey<string> Key = new("hostile-cookies");
}
