using System.Collections;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using HejSurvey.Web.Survey;

namespace HejSurvey.Tests.Unit;

/// <summary>
/// Every text a visitor can meet exists in Swedish and English: the UI strings (the Swedish key and its entry in
/// Text.en.resx), the localized partials, and every question and option of every shipped questionnaire.
/// </summary>
public sealed partial class TranslationTests
{
    private static readonly string WebProject = FindWebProject();

    private static string FindWebProject()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "HejSurvey.Web");
            if (File.Exists(Path.Combine(candidate, "HejSurvey.Web.csproj")))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("The web project's sources were not found above the test output folder.");
    }

    private static IEnumerable<string> Sources() =>
        Directory.EnumerateFiles(WebProject, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [GeneratedRegex(@"IStringLocalizer<Text>\s+(\w+)")]
    private static partial Regex LocalizerDeclaration();

    /// <summary>The localizers of the site's UI strings by the names the code gives them (T in views, text in page models, …).</summary>
    private static HashSet<string> LocalizerNames() =>
        [.. Sources().SelectMany(f => LocalizerDeclaration().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)), "T", "text"];

    /// <summary>Each Swedish key used as name["…"] in the web project, with the files that use it.</summary>
    private static Dictionary<string, List<string>> UsedKeys()
    {
        var names = string.Join("|", LocalizerNames().Select(Regex.Escape));
        var use = new Regex($@"(?<![\w.])(?:{names})\[\s*""((?:[^""\\\r\n]|\\.)*)""");
        var keys = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in Sources())
        {
            foreach (Match match in use.Matches(File.ReadAllText(file)))
            {
                var key = Regex.Unescape(match.Groups[1].Value);
                if (!keys.TryGetValue(key, out var files))
                {
                    keys[key] = files = [];
                }
                files.Add(Path.GetRelativePath(WebProject, file));
            }
        }
        return keys;
    }

    private static Dictionary<string, string> EnglishEntries()
    {
        var resx = XDocument.Load(Path.Combine(WebProject, "Resources", "Text.en.resx"));
        // The resource build keeps only one of two names that differ in case alone ("Enkäten", "enkäten"), so they count as one.
        var entries = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var data in resx.Root!.Elements("data"))
        {
            var name = (string)data.Attribute("name")!;
            Assert.False(entries.ContainsKey(name), $"Text.en.resx has \"{name}\" twice (perhaps in another case).");
            entries[name] = (string?)data.Element("value") ?? "";
        }
        return entries;
    }

    [Fact]
    public void Every_UI_string_in_the_code_has_an_English_translation()
    {
        var used = UsedKeys();
        var english = EnglishEntries();

        // A scan that finds nothing proves nothing: the layout, survey and error pages alone use dozens of strings.
        Assert.True(used.Count > 50, $"Only {used.Count} localized strings were found; the scan no longer sees the code.");
        Assert.Contains("Hoppa till innehållet", used.Keys);

        var missing = used.Where(u => !english.ContainsKey(u.Key)).Select(u => $"\"{u.Key}\" ({string.Join(", ", u.Value.Distinct())})").ToList();
        Assert.True(missing.Count == 0, $"No English in Resources/Text.en.resx for:\n{string.Join("\n", missing)}");
    }

    [GeneratedRegex(@"\{\d+(?:[,:][^}]*)?\}")]
    private static partial Regex Placeholder();

    [Fact]
    public void Every_English_entry_is_written_out_and_keeps_the_placeholders_of_its_Swedish_text()
    {
        var problems = new List<string>();
        foreach (var (swedish, english) in EnglishEntries())
        {
            if (string.IsNullOrWhiteSpace(english))
            {
                problems.Add($"\"{swedish}\" has an empty English text.");
                continue;
            }
            var expected = Placeholder().Matches(swedish).Select(m => m.Value).Order(StringComparer.Ordinal);
            var actual = Placeholder().Matches(english).Select(m => m.Value).Order(StringComparer.Ordinal);
            if (!expected.SequenceEqual(actual))
            {
                problems.Add($"\"{swedish}\" → \"{english}\": the placeholders differ.");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_localized_partial_exists_in_both_languages()
    {
        var partials = Directory.EnumerateFiles(WebProject, "_*.cshtml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(WebProject, f))
            .Where(f => f.EndsWith(".sv.cshtml", StringComparison.Ordinal) || f.EndsWith(".en.cshtml", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Contains(Path.Combine("Pages", "_AccessibilityStatement.sv.cshtml"), partials);
        foreach (var partial in partials)
        {
            var other = partial.EndsWith(".sv.cshtml", StringComparison.Ordinal)
                ? partial.Replace(".sv.cshtml", ".en.cshtml", StringComparison.Ordinal)
                : partial.Replace(".en.cshtml", ".sv.cshtml", StringComparison.Ordinal);
            Assert.True(partials.Contains(other), $"{partial} has no counterpart {other}.");
        }
    }

    [Fact]
    public void Every_text_of_every_shipped_questionnaire_has_Swedish_and_English()
    {
        var texts = new List<(string Path, LocalizedText Text)>();
        foreach (var (_, definition) in QuestionnaireDefinition.Embedded())
        {
            Collect(definition, $"{definition.Key} v{definition.Version}", texts);
        }

        // Title, six scale answers, every statement and theme, the background questions and their options, the free text.
        Assert.True(texts.Count > 30, $"Only {texts.Count} texts were found in the questionnaires.");
        var missing = texts.Where(t => string.IsNullOrWhiteSpace(t.Text.Sv) || string.IsNullOrWhiteSpace(t.Text.En)).Select(t => t.Path).ToList();
        Assert.True(missing.Count == 0, $"Texts without Swedish or English:\n{string.Join("\n", missing)}");
    }

    /// <summary>Walks a questionnaire's records and lists and collects every two-language text with where it sits.</summary>
    private static void Collect(object? value, string path, List<(string, LocalizedText)> texts)
    {
        switch (value)
        {
            case null or string or ValueType:
                return;
            case LocalizedText text:
                texts.Add((path, text));
                return;
            case IEnumerable items:
                var i = 0;
                foreach (var item in items)
                {
                    Collect(item, $"{path}[{i++}]", texts);
                }
                return;
        }
        foreach (var property in value.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0))
        {
            // Derived views (Statements, ChoiceKeys) repeat what the themes already hold.
            if (property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                continue;
            }
            Collect(property.GetValue(value), $"{path}.{property.Name}", texts);
        }
    }
}
