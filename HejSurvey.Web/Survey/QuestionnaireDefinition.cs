using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HejSurvey.Web.Survey;

/// <summary>Swedish and English text; English is used when the current UI culture is English.</summary>
public sealed record LocalizedText(string Sv, string En)
{
    [JsonIgnore]
    public string Current => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" ? En : Sv;

    public string In(string language) => language == "en" ? En : Sv;

    public override string ToString() => Current;
}

public sealed record ChoiceOption(int Value, LocalizedText Text);

public sealed record Statement(string Key, LocalizedText Text);

public sealed record Theme(string Key, LocalizedText Title, IReadOnlyList<Statement> Statements);

/// <summary>
/// A single-choice background question (organisation type, role, size); results are broken down by these.
/// <paramref name="Breakdown"/> is the breakdown's short name in the results ("Organisationstyp"); without one the
/// question itself names it.
/// </summary>
public sealed record BackgroundQuestion(string Key, LocalizedText Text, IReadOnlyList<ChoiceOption> Options, LocalizedText? Breakdown = null)
{
    [JsonIgnore]
    public LocalizedText BreakdownName => Breakdown ?? Text;
}

public sealed record FreeTextQuestion(string Key, LocalizedText Text, LocalizedText Hint, int MaxLength);

/// <summary>
/// One version of the questionnaire. It is data (JSON stored with the round's questionnaire row), so that
/// a later version never changes what earlier respondents answered.
/// </summary>
public sealed record QuestionnaireDefinition(
    string Key,
    int Version,
    LocalizedText Title,
    IReadOnlyList<ChoiceOption> Scale,
    ChoiceOption DontKnow,
    IReadOnlyList<Theme> Themes,
    IReadOnlyList<BackgroundQuestion> Background,
    FreeTextQuestion FreeText,
    LocalizedText? Introduction = null)
{
    /// <summary>The longest introduction, in characters per language: a few sentences above the form, not a page.</summary>
    public const int MaxIntroductionLength = 1000;

    public const int ScaleMin = 1;
    public const int ScaleMax = 5;
    public const int DontKnowValue = 0;

    /// <summary>How deep an imported file may nest: the format itself needs six levels.</summary>
    public const int MaxDepth = 16;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { MaxDepth = MaxDepth };

    private static readonly JsonSerializerOptions WriteOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Swedish letters and dashes stay readable in the exported file.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [JsonIgnore]
    public IEnumerable<Statement> Statements => Themes.SelectMany(t => t.Statements);

    /// <summary>Every key a respondent answers with a number: the statements, then the background questions.</summary>
    [JsonIgnore]
    public IEnumerable<string> ChoiceKeys => Statements.Select(s => s.Key).Concat(Background.Select(b => b.Key));

    public Theme ThemeOf(string statementKey) => Themes.First(t => t.Statements.Any(s => s.Key == statementKey));

    public static QuestionnaireDefinition Parse(string json) =>
        JsonSerializer.Deserialize<QuestionnaireDefinition>(json, JsonOptions)
        ?? throw new InvalidDataException("The questionnaire definition is empty.");

    /// <summary>The site's own format, as exported and stored; <see cref="Parse"/> reads it back to an equal version.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, WriteOptions);

    /// <summary>The versions shipped with the site, as embedded JSON files.</summary>
    public static IEnumerable<(string Json, QuestionnaireDefinition Definition)> Embedded()
    {
        var assembly = typeof(QuestionnaireDefinition).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.Contains(".Questionnaires.", StringComparison.Ordinal)).Order())
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var json = reader.ReadToEnd();
            yield return (json, Parse(json));
        }
    }
}
