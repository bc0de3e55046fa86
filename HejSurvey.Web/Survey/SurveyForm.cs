using System.Globalization;
using Microsoft.Extensions.Localization;

namespace HejSurvey.Web.Survey;

/// <summary>
/// What a respondent posted, read against the round's questionnaire. A browser using our form can only
/// leave questions out or write too much; anything else (unknown or repeated fields, values that are
/// not options) was not sent by the form and is refused whole.
/// </summary>
public sealed class SurveyForm
{
    public const string IdempotencyField = "IdempotencyKey";

    private static readonly HashSet<string> FrameworkFields = ["__RequestVerificationToken"];

    public Guid IdempotencyKey { get; set; }
    public Dictionary<string, int> Answers { get; } = [];
    public string? FreeText { get; set; }

    /// <summary>Field key → what is wrong with it, in the order of the questionnaire.</summary>
    public Dictionary<string, FieldError> Errors { get; } = [];

    public bool IsComplete => Errors.Count == 0;

    /// <summary>Nothing answered and nothing to say: a new form.</summary>
    public bool IsEmpty => Answers.Count == 0 && FreeText is null && Errors.Count == 0;

    public int? Selected(string key) => Answers.TryGetValue(key, out var value) ? value : null;

    /// <summary>Reads the form; returns null when it was not sent by our form.</summary>
    public static SurveyForm? Read(IFormCollection form, QuestionnaireDefinition questionnaire, IStringLocalizer<Text> text)
    {
        var choiceKeys = questionnaire.ChoiceKeys.ToHashSet();
        foreach (var (key, values) in form)
        {
            var known = choiceKeys.Contains(key) || key == questionnaire.FreeText.Key || key == IdempotencyField || FrameworkFields.Contains(key);
            if (!known || values.Count > 1)
            {
                return null;
            }
        }
        if (!Guid.TryParse(form[IdempotencyField], out var idempotencyKey))
        {
            return null;
        }
        var input = new SurveyForm { IdempotencyKey = idempotencyKey };

        // Messages name a question by its number on the form (statements, then background questions, then the free
        // text), not by its text: the question stands just above its message, and a summary repeating every text
        // filled a phone's screen several times over.
        var number = 0;
        foreach (var statement in questionnaire.Statements)
        {
            number++;
            if (!input.ReadChoice(form, statement.Key, value => value == QuestionnaireDefinition.DontKnowValue || questionnaire.Scale.Any(o => o.Value == value)))
            {
                return null;
            }
            if (!input.Answers.ContainsKey(statement.Key))
            {
                input.Errors[statement.Key] = new(text["Välj ett svar på påstående {0}", number], text["Välj ett svar"]);
            }
        }
        foreach (var question in questionnaire.Background)
        {
            number++;
            if (!input.ReadChoice(form, question.Key, value => question.Options.Any(o => o.Value == value)))
            {
                return null;
            }
            if (!input.Answers.ContainsKey(question.Key))
            {
                input.Errors[question.Key] = new(text["Välj ett svar på fråga {0}", number], text["Välj ett svar"]);
            }
        }

        number++;
        var freeText = Clean(form[questionnaire.FreeText.Key].ToString());
        input.FreeText = freeText.Length == 0 ? null : freeText;
        if (freeText.Length > questionnaire.FreeText.MaxLength)
        {
            var most = questionnaire.FreeText.MaxLength.ToString("N0", CultureInfo.CurrentCulture);
            input.Errors[questionnaire.FreeText.Key] = new(
                text["Svaret på fråga {0} får vara högst {1} tecken", number, most],
                text["Skriv högst {0} tecken – nu är det {1}", most, freeText.Length.ToString("N0", CultureInfo.CurrentCulture)]);
        }
        return input;
    }

    /// <summary>False when the field holds something that is not one of the question's options.</summary>
    private bool ReadChoice(IFormCollection form, string key, Func<int, bool> isOption)
    {
        var raw = form[key].ToString();
        if (raw.Length == 0)
        {
            return true;
        }
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || !isOption(value))
        {
            return false;
        }
        Answers[key] = value;
        return true;
    }

    /// <summary>Browsers send line breaks as CRLF but count them as one character; control characters are dropped.</summary>
    private static string Clean(string text) =>
        new string(text.Replace("\r\n", "\n", StringComparison.Ordinal)
            .Where(c => c == '\n' || c == '\t' || !char.IsControl(c))
            .ToArray()).Trim();
}

/// <summary>A field's error: a line in the summary that says which question, and the shorter message beside the field.</summary>
public sealed record FieldError(string Summary, string Message);
