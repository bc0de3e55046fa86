using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;

namespace HejSurvey.Web.Survey;

/// <summary>One thing wrong with a questionnaire: where (a JSON path such as $.themes[0].statements[1].text.en) and what.</summary>
public sealed record QuestionnaireProblem(string Path, string Message);

/// <summary>
/// What a questionnaire version must satisfy before it is stored, whether it comes from the editor or from an imported
/// file: every text in both languages, keys unique and well-formed, at least one statement per theme, sane limits.
/// The survey form, the tallies and the exports all rely on these, so nothing that breaks one is ever stored.
/// </summary>
public static partial class QuestionnaireRules
{
    public const int MaxThemes = 20;
    public const int MaxStatements = 200;
    public const int MaxBackground = 10;
    public const int MaxOptions = 30;
    public const int MaxTextLength = 1000;
    // No more than the response's column holds: on PostgreSQL a longer answer would fail its whole batch.
    public const int MaxFreeTextLength = Data.Response.MaxFreeTextLength;

    /// <summary>The questionnaire's key: part of its addresses.</summary>
    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    public static partial Regex QuestionnaireKey();

    /// <summary>A theme's, statement's or question's key: a column name in every export, so letters, digits and _ only.</summary>
    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    public static partial Regex ItemKey();

    public const int MaxKeyLength = 40;

    /// <summary>
    /// Names the results page already uses for its own charts and parts (anchors, element ids, embed addresses): a
    /// statement keyed "overview" would share the overview's anchor and could never be embedded.
    /// </summary>
    public static readonly IReadOnlySet<string> ReservedKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "overview", "themes", "by", "cite", "compare", "groups", "main", "scale",
    };

    public static List<QuestionnaireProblem> Check(QuestionnaireDefinition questionnaire, IStringLocalizer<Text> text)
    {
        var problems = new List<QuestionnaireProblem>();
        void Problem(string path, string message) => problems.Add(new(path, message));

        void Text(string path, LocalizedText? value, int maxLength = MaxTextLength)
        {
            if (string.IsNullOrWhiteSpace(value?.Sv))
            {
                Problem($"{path}.sv", text["Texten saknas på svenska."]);
            }
            else if (value.Sv.Length > maxLength)
            {
                Problem($"{path}.sv", text["Texten på svenska är längre än {0} tecken.", maxLength]);
            }
            if (string.IsNullOrWhiteSpace(value?.En))
            {
                Problem($"{path}.en", text["Texten saknas på engelska."]);
            }
            else if (value.En.Length > maxLength)
            {
                Problem($"{path}.en", text["Texten på engelska är längre än {0} tecken.", maxLength]);
            }
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        void Key(string path, string? key)
        {
            if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength || !ItemKey().IsMatch(key))
            {
                Problem(path, text["Nyckeln ”{0}” ska börja med en liten bokstav a–z och bara innehålla a–z, siffror och _ (högst {1} tecken).", key ?? "", MaxKeyLength]);
            }
            else if (ReservedKeys.Contains(key))
            {
                Problem(path, text["Nyckeln ”{0}” är upptagen av resultatsidan. Välj en annan.", key]);
            }
            else if (!keys.Add(key))
            {
                Problem(path, text["Nyckeln ”{0}” används redan i den här versionen. Varje tema och fråga behöver en egen nyckel.", key]);
            }
        }

        if (string.IsNullOrEmpty(questionnaire.Key) || questionnaire.Key.Length > 64 || !QuestionnaireKey().IsMatch(questionnaire.Key))
        {
            Problem("$.key", text["Enkätens nyckel får bara innehålla små bokstäver a–z, siffror och bindestreck (högst 64 tecken)."]);
        }
        Text("$.title", questionnaire.Title, 200);
        if (questionnaire.Introduction is not null)
        {
            Text("$.introduction", questionnaire.Introduction, QuestionnaireDefinition.MaxIntroductionLength);
        }

        var scale = questionnaire.Scale ?? [];
        var expected = Enumerable.Range(QuestionnaireDefinition.ScaleMin, QuestionnaireDefinition.ScaleMax - QuestionnaireDefinition.ScaleMin + 1);
        if (!scale.Select(o => o?.Value ?? -1).SequenceEqual(expected))
        {
            Problem("$.scale", text["Skalan ska ha fem steg med värdena 1 till 5 i ordning."]);
        }
        for (var i = 0; i < scale.Count; i++)
        {
            Text($"$.scale[{i}].text", scale[i]?.Text, 100);
        }
        if (questionnaire.DontKnow?.Value != QuestionnaireDefinition.DontKnowValue)
        {
            Problem("$.dontKnow.value", text["”Vet inte” ska ha värdet 0."]);
        }
        Text("$.dontKnow.text", questionnaire.DontKnow?.Text, 100);

        var themes = questionnaire.Themes ?? [];
        if (themes.Count is 0 or > MaxThemes)
        {
            Problem("$.themes", text["Enkäten behöver mellan 1 och {0} teman.", MaxThemes]);
        }
        if (themes.Sum(t => t?.Statements?.Count ?? 0) > MaxStatements)
        {
            Problem("$.themes", text["Enkäten får ha högst {0} påståenden.", MaxStatements]);
        }
        for (var t = 0; t < themes.Count; t++)
        {
            var theme = themes[t];
            Key($"$.themes[{t}].key", theme?.Key);
            Text($"$.themes[{t}].title", theme?.Title, 200);
            var statements = theme?.Statements ?? [];
            if (statements.Count == 0)
            {
                Problem($"$.themes[{t}].statements", text["Temat ”{0}” behöver minst ett påstående.", theme?.Title?.Current ?? theme?.Key ?? ""]);
            }
            for (var s = 0; s < statements.Count; s++)
            {
                Key($"$.themes[{t}].statements[{s}].key", statements[s]?.Key);
                Text($"$.themes[{t}].statements[{s}].text", statements[s]?.Text);
            }
        }

        var background = questionnaire.Background ?? [];
        if (background.Count > MaxBackground)
        {
            Problem("$.background", text["Enkäten får ha högst {0} bakgrundsfrågor.", MaxBackground]);
        }
        for (var b = 0; b < background.Count; b++)
        {
            var question = background[b];
            Key($"$.background[{b}].key", question?.Key);
            Text($"$.background[{b}].text", question?.Text);
            if (question?.Breakdown is not null)
            {
                Text($"$.background[{b}].breakdown", question.Breakdown, 100);
            }
            var options = question?.Options ?? [];
            if (options.Count is < 2 or > MaxOptions)
            {
                Problem($"$.background[{b}].options", text["Bakgrundsfrågan ”{0}” behöver mellan 2 och {1} svarsalternativ.", question?.Key ?? "", MaxOptions]);
            }
            // The values are the codes in every export: 1, 2, 3 … in the order shown, so a code always means one option.
            if (!options.Select(o => o?.Value ?? -1).SequenceEqual(Enumerable.Range(1, options.Count)))
            {
                Problem($"$.background[{b}].options", text["Svarsalternativen till ”{0}” ska ha värdena 1, 2, 3 … i ordning.", question?.Key ?? ""]);
            }
            for (var o = 0; o < options.Count; o++)
            {
                Text($"$.background[{b}].options[{o}].text", options[o]?.Text, 200);
            }
        }

        var freeText = questionnaire.FreeText;
        Key("$.freeText.key", freeText?.Key);
        Text("$.freeText.text", freeText?.Text);
        Text("$.freeText.hint", freeText?.Hint);
        if (freeText is null || freeText.MaxLength is < 1 or > MaxFreeTextLength)
        {
            Problem("$.freeText.maxLength", text["Längsta svar på fritextfrågan ska vara mellan 1 och {0} tecken.", MaxFreeTextLength]);
        }
        return problems;
    }
}
