using System.Globalization;
using System.Text.RegularExpressions;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Components;
using HejSurvey.Web.Data;
using HejSurvey.Web.Site;
using HejSurvey.Web.Survey;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace HejSurvey.Web.Pages.Admin.Questionnaires;

/// <summary>
/// The editor of a draft version: every text in both languages and the structure. Adding, removing and moving are
/// plain form posts (name="action"), so the editor works with the keyboard alone and without JavaScript; they change
/// only the form, never the database. "Save" checks the rules and stores the draft; "preview" checks them and shows
/// the survey form in Swedish and English as a respondent would see it, storing nothing.
/// A statement the version was made from keeps its key when only its wording changes; the admin says so explicitly,
/// because comparisons across versions rest on it.
/// </summary>
// Every text of a long questionnaire is a field of its own: more than the site's usual limit for a form.
[RequestFormLimits(ValueCountLimit = 2000)]
public sealed partial class EditModel(SurveyDb db, NewFormHtml forms, TimeProvider clock, IStringLocalizer<Text> text) : PageModel
{
    public const string SameQuestion = "same";
    public const string NewQuestion = "new";

    [BindProperty]
    public EditorInput Input { get; set; } = new();

    public Questionnaire Stored { get; private set; } = null!;

    /// <summary>The statements of the version this draft was made from, by key: a changed wording asks for the choice.</summary>
    public IReadOnlyDictionary<string, LocalizedText> BaseStatements { get; private set; } = new Dictionary<string, LocalizedText>();

    /// <summary>Problems by the id of the field they belong to, in the order of the form.</summary>
    public List<(string FieldId, string Message)> Problems { get; } = [];

    /// <summary>The survey form in Swedish and English, when the admin asked for a preview and the draft follows the rules.</summary>
    public IReadOnlyList<(string Language, IHtmlContent Form)> Preview { get; private set; } = [];

    public QuestionnaireDefinition? PreviewDefinition { get; private set; }

    public string? Refused { get; private set; }

    /// <summary>
    /// The id of what takes focus after a change of structure: each change is a form post that loads the page again,
    /// and a keyboard user would otherwise start again at its top, far from what they just added or moved.
    /// </summary>
    public string? FocusAfter { get; private set; }

    public async Task<IActionResult> OnGetAsync(string key, int version, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(key, version, cancellationToken))
        {
            return NotFound();
        }
        if (Stored.IsFinal)
        {
            return RefuseFinal();
        }
        Input = EditorInput.From(QuestionnaireDefinition.Parse(Stored.Definition));
        // A saved statement with the key of the version it was made from but another wording was saved as the same
        // question, reworded: the choice stays made, rather than stopping every later save until it is made again.
        foreach (var statement in Input.Themes.SelectMany(t => t.Statements))
        {
            if (BaseStatements.TryGetValue(statement.Key ?? "", out var before) && before != statement.Text.ToText())
            {
                statement.Meaning = SameQuestion;
            }
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string key, int version, [FromForm(Name = "action")] string? action, CancellationToken cancellationToken)
    {
        // The form is shown again from Input as changed below, never from the posted values ModelState remembers.
        ModelState.Clear();
        if (!await LoadAsync(key, version, cancellationToken))
        {
            return NotFound();
        }
        if (Stored.IsFinal)
        {
            return RefuseFinal();
        }
        if (action is "save" or "preview")
        {
            var definition = await CheckAsync(cancellationToken);
            if (definition is null)
            {
                return Page();
            }
            if (action == "preview")
            {
                PreviewDefinition = definition;
                Preview =
                [
                    ("sv", await forms.PreviewAsync(definition, SiteLocalization.Swedish, "preview-sv-")),
                    ("en", await forms.PreviewAsync(definition, SiteLocalization.English, "preview-en-")),
                ];
                return Page();
            }
            return await SaveAsync(definition, cancellationToken);
        }
        if (!Input.Apply(action ?? ""))
        {
            return BadRequest();
        }
        FocusAfter = Input.FocusAfter(action!);
        return Page();
    }

    private async Task<IActionResult> SaveAsync(QuestionnaireDefinition definition, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var json = definition.ToJson();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var changed = await db.Questionnaires.Where(q => q.Id == Stored.Id && !q.IsFinal)
            .ExecuteUpdateAsync(s => s.SetProperty(q => q.Definition, json), cancellationToken);
        if (changed != 1)
        {
            return RefuseFinal();
        }
        db.Audit(now, User.AdminName(), AuditAction.QuestionnaireSaved, $"{Stored.Key} v{Stored.Version}");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        TempData[VersionModel.DoneKey] = text["Utkastet är sparat."].Value;
        return Redirect($"/admin/questionnaires/{Stored.Key}/{Stored.Version}");
    }

    /// <summary>The draft as the form describes it, or null with <see cref="Problems"/> filled.</summary>
    private async Task<QuestionnaireDefinition?> CheckAsync(CancellationToken cancellationToken)
    {
        // Keys of statements in the other versions of this questionnaire: a new question must never take one of them.
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var other in await db.Questionnaires.AsNoTracking().Where(q => q.Key == Stored.Key && q.Id != Stored.Id).Select(q => q.Definition).ToListAsync(cancellationToken))
        {
            used.UnionWith(QuestionnaireDefinition.Parse(other).Statements.Select(s => s.Key));
        }
        var own = new List<(string FieldId, string Message)>();
        var themes = new List<Theme>();
        for (var t = 0; t < Input.Themes.Count; t++)
        {
            var theme = Input.Themes[t];
            var statements = new List<Statement>();
            for (var s = 0; s < theme.Statements.Count; s++)
            {
                var statement = theme.Statements[s];
                var field = $"Input.Themes[{t}].Statements[{s}]";
                var wording = statement.Text.ToText();
                var typed = statement.Key?.Trim() ?? "";
                string key;
                if (statement.OriginalKey is { Length: > 0 } original && BaseStatements.TryGetValue(original, out var before))
                {
                    var reworded = before != wording;
                    if (statement.Meaning == NewQuestion)
                    {
                        key = typed;
                        if (key == original || used.Contains(key))
                        {
                            own.Add((FieldId($"{field}.Key"), text["En ny fråga behöver en ny nyckel, som ingen version av enkäten har använt (påstående {0} i tema {1}).", s + 1, t + 1]));
                        }
                    }
                    else
                    {
                        key = original;
                        if (reworded && statement.Meaning != SameQuestion)
                        {
                            own.Add((FieldId($"{field}.Meaning") + "-same", text["Påstående {0} i tema {1} har ny formulering: välj om det är samma fråga eller en ny fråga.", s + 1, t + 1]));
                        }
                    }
                }
                else
                {
                    key = typed;
                    if (used.Contains(key))
                    {
                        own.Add((FieldId($"{field}.Key"), text["Nyckeln ”{0}” har använts för en annan fråga i en tidigare version. En ny fråga behöver en ny nyckel.", key]));
                    }
                }
                statements.Add(new Statement(key, wording));
            }
            themes.Add(new Theme(theme.Key?.Trim() ?? "", theme.Title.ToText(), statements));
        }
        var definition = new QuestionnaireDefinition(
            Stored.Key,
            Stored.Version,
            Input.Title.ToText(),
            [.. Input.Scale.Select((o, i) => new ChoiceOption(QuestionnaireDefinition.ScaleMin + i, o.Text.ToText()))],
            new ChoiceOption(QuestionnaireDefinition.DontKnowValue, Input.DontKnow.Text.ToText()),
            themes,
            [.. Input.Background.Select(b => new BackgroundQuestion(b.Key?.Trim() ?? "", b.Text.ToText(), [.. b.Options.Select((o, i) => new ChoiceOption(i + 1, o.Text.ToText()))],
                b.Breakdown.ToText() is { Sv: "", En: "" } ? null : b.Breakdown.ToText()))],
            new FreeTextQuestion(Input.FreeText.Key?.Trim() ?? "", Input.FreeText.Text.ToText(), Input.FreeText.Hint.ToText(), Input.FreeText.MaxLength ?? 0),
            Input.Introduction.ToText() is { Sv: "", En: "" } ? null : Input.Introduction.ToText());
        Problems.AddRange(QuestionnaireRules.Check(definition, text).Select(p => (FieldOf(p.Path), p.Message)));
        Problems.AddRange(own);
        return Problems.Count == 0 ? definition : null;
    }

    /// <summary>The field of a problem's JSON path: the form's names mirror the format ($.themes[0].title.sv is Input.Themes[0].Title.Sv).</summary>
    private string FieldOf(string path)
    {
        var name = "Input" + JsonSegment().Replace(path[1..], m => "." + char.ToUpperInvariant(m.Groups[1].Value[0]) + m.Groups[1].Value[1..]);
        // A problem of a whole list or of something the form does not edit points at the nearest text that it does.
        return name switch
        {
            _ when name.EndsWith(".Sv", StringComparison.Ordinal) || name.EndsWith(".En", StringComparison.Ordinal) || name.EndsWith("].Key", StringComparison.Ordinal) || name.EndsWith(".MaxLength", StringComparison.Ordinal) => FieldId(name),
            _ when StatementList().Match(name) is { Success: true } list => FieldId($"{list.Groups[1].Value}.Title.Sv"),
            _ when OptionList().Match(name) is { Success: true } list => FieldId($"{list.Groups[1].Value}.Text.Sv"),
            _ => FieldId("Input.Title.Sv"),
        };
    }

    [GeneratedRegex(@"\.([a-zA-Z]+)")]
    private static partial Regex JsonSegment();

    [GeneratedRegex(@"^(Input\.Themes\[\d+\])\.Statements$")]
    private static partial Regex StatementList();

    [GeneratedRegex(@"^(Input\.Background\[\d+\])\.Options$")]
    private static partial Regex OptionList();

    /// <summary>The id of the field of that name, as the form writes it.</summary>
    public static string FieldId(string name) => name.Replace('.', '_').Replace('[', '_').Replace(']', '_');

    public string? ProblemOf(string name)
    {
        var id = FieldId(name);
        return Problems.FirstOrDefault(p => p.FieldId == id || p.FieldId == id + "-same").Message;
    }

    private PageResult RefuseFinal()
    {
        Refused = text["Versionen är slutlig och kan inte ändras. Gör en ny version från den."];
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    private async Task<bool> LoadAsync(string key, int version, CancellationToken cancellationToken)
    {
        if (await db.Questionnaires.AsNoTracking().SingleOrDefaultAsync(q => q.Key == key && q.Version == version, cancellationToken) is not { } stored)
        {
            return false;
        }
        Stored = stored;
        if (stored.BasedOnVersion is { } basedOn
            && await db.Questionnaires.AsNoTracking().Where(q => q.Key == key && q.Version == basedOn).Select(q => q.Definition).SingleOrDefaultAsync(cancellationToken) is { } json)
        {
            BaseStatements = QuestionnaireDefinition.Parse(json).Statements.ToDictionary(s => s.Key, s => s.Text, StringComparer.Ordinal);
        }
        return true;
    }
}

/// <summary>
/// The editor's form. Its shape mirrors the questionnaire format, so a rule's JSON path names its field. Values of
/// the scale and of background options are their positions, so they are not fields.
/// </summary>
public sealed class EditorInput
{
    public TextInput Title { get; set; } = new();
    public TextInput Introduction { get; set; } = new();
    public List<OptionInput> Scale { get; set; } = [];
    public OptionInput DontKnow { get; set; } = new();
    public List<ThemeInput> Themes { get; set; } = [];
    public List<BackgroundInput> Background { get; set; } = [];
    public FreeTextInput FreeText { get; set; } = new();

    public static EditorInput From(QuestionnaireDefinition q) => new()
    {
        Title = TextInput.From(q.Title),
        Introduction = q.Introduction is { } introduction ? TextInput.From(introduction) : new(),
        Scale = [.. q.Scale.Select(o => new OptionInput { Text = TextInput.From(o.Text) })],
        DontKnow = new OptionInput { Text = TextInput.From(q.DontKnow.Text) },
        Themes = [.. q.Themes.Select(t => new ThemeInput
        {
            Key = t.Key,
            Title = TextInput.From(t.Title),
            Statements = [.. t.Statements.Select(s => new StatementInput { Key = s.Key, OriginalKey = s.Key, Text = TextInput.From(s.Text) })],
        })],
        Background = [.. q.Background.Select(b => new BackgroundInput
        {
            Key = b.Key,
            Text = TextInput.From(b.Text),
            Breakdown = b.Breakdown is { } name ? TextInput.From(name) : new(),
            Options = [.. b.Options.Select(o => new OptionInput { Text = TextInput.From(o.Text) })],
        })],
        FreeText = new FreeTextInput { Key = q.FreeText.Key, Text = TextInput.From(q.FreeText.Text), Hint = TextInput.From(q.FreeText.Hint), MaxLength = q.FreeText.MaxLength },
    };

    /// <summary>A position the button's action names ("remove-statement-0-2" names 0 and 2), or -1 where it names none.</summary>
    private static int Place(string[] parts, int i) =>
        parts.Length > i && int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;

    /// <summary>
    /// What takes focus once <see cref="Apply"/> has made that change: the first text of what was added, the button
    /// that moved a part (where the part is now), or after a removal the button that adds to the same list.
    /// </summary>
    public string FocusAfter(string action)
    {
        var parts = action.Split('-');
        var (t, s) = (Place(parts, 2), Place(parts, 3));
        // A moved part keeps the button that moved it, unless that button is disabled where the part stands now.
        static string Moved(bool up, string kind, int now, int count, string place) =>
            (up ? now > 0 : now < count - 1) ? $"{(up ? "up" : "down")}-{kind}-{place}" : $"{(up ? "down" : "up")}-{kind}-{place}";
        return $"{parts[0]}-{parts[1]}" switch
        {
            "add-theme" => EditModel.FieldId($"Input.Themes[{Themes.Count - 1}].Key"),
            "remove-theme" => "add-theme",
            "up-theme" => Moved(true, "theme", t - 1, Themes.Count, $"{t - 1}"),
            "down-theme" => Moved(false, "theme", t + 1, Themes.Count, $"{t + 1}"),
            "add-statement" => EditModel.FieldId($"Input.Themes[{t}].Statements[{Themes[t].Statements.Count - 1}].Text.Sv"),
            "remove-statement" => $"add-statement-{t}",
            "up-statement" => Moved(true, "statement", s - 1, Themes[t].Statements.Count, $"{t}-{s - 1}"),
            "down-statement" => Moved(false, "statement", s + 1, Themes[t].Statements.Count, $"{t}-{s + 1}"),
            "add-option" => EditModel.FieldId($"Input.Background[{t}].Options[{Background[t].Options.Count - 1}].Text.Sv"),
            _ => $"add-option-{t}",
        };
    }

    /// <summary>Adds, removes or moves one part, as the button named it ("remove-statement-0-2"); false for an action that names nothing.</summary>
    public bool Apply(string action)
    {
        var parts = action.Split('-');
        var (t, s) = (Place(parts, 2), Place(parts, 3));
        var theme = t >= 0 && t < Themes.Count ? Themes[t] : null;
        var background = t >= 0 && t < Background.Count ? Background[t] : null;
        switch (parts.Length > 1 ? $"{parts[0]}-{parts[1]}" : action)
        {
            case "add-theme" when Themes.Count < QuestionnaireRules.MaxThemes:
                Themes.Add(new ThemeInput { Statements = [new StatementInput()] });
                return true;
            case "remove-theme" when theme is not null:
                Themes.RemoveAt(t);
                return true;
            case "up-theme" when theme is not null && t > 0:
                (Themes[t - 1], Themes[t]) = (Themes[t], Themes[t - 1]);
                return true;
            case "down-theme" when theme is not null && t < Themes.Count - 1:
                (Themes[t + 1], Themes[t]) = (Themes[t], Themes[t + 1]);
                return true;
            case "add-statement" when theme is not null && Themes.Sum(x => x.Statements.Count) < QuestionnaireRules.MaxStatements:
                theme.Statements.Add(new StatementInput());
                return true;
            case "remove-statement" when theme is not null && s >= 0 && s < theme.Statements.Count:
                theme.Statements.RemoveAt(s);
                return true;
            case "up-statement" when theme is not null && s > 0 && s < theme.Statements.Count:
                (theme.Statements[s - 1], theme.Statements[s]) = (theme.Statements[s], theme.Statements[s - 1]);
                return true;
            case "down-statement" when theme is not null && s >= 0 && s < theme.Statements.Count - 1:
                (theme.Statements[s + 1], theme.Statements[s]) = (theme.Statements[s], theme.Statements[s + 1]);
                return true;
            case "add-option" when background is not null && background.Options.Count < QuestionnaireRules.MaxOptions:
                background.Options.Add(new OptionInput());
                return true;
            case "remove-option" when background is not null && s >= 0 && s < background.Options.Count:
                background.Options.RemoveAt(s);
                return true;
            default:
                return false;
        }
    }
}

public sealed class TextInput
{
    public string? Sv { get; set; }
    public string? En { get; set; }

    public LocalizedText ToText() => new(Sv?.Trim() ?? "", En?.Trim() ?? "");

    public static TextInput From(LocalizedText text) => new() { Sv = text.Sv, En = text.En };
}

public sealed class OptionInput
{
    public TextInput Text { get; set; } = new();
}

public sealed class ThemeInput
{
    public string? Key { get; set; }
    public TextInput Title { get; set; } = new();
    public List<StatementInput> Statements { get; set; } = [];
}

public sealed class StatementInput
{
    public string? Key { get; set; }

    /// <summary>The key the statement had when the editor opened; empty for a statement added here.</summary>
    public string? OriginalKey { get; set; }

    /// <summary><see cref="EditModel.SameQuestion"/> or <see cref="EditModel.NewQuestion"/>, for a statement of the earlier version.</summary>
    public string? Meaning { get; set; }
    public TextInput Text { get; set; } = new();
}

public sealed class BackgroundInput
{
    public string? Key { get; set; }
    public TextInput Text { get; set; } = new();

    /// <summary>The breakdown's short name in the results; both fields empty for none.</summary>
    public TextInput Breakdown { get; set; } = new();
    public List<OptionInput> Options { get; set; } = [];
}

public sealed class FreeTextInput
{
    public string? Key { get; set; }
    public TextInput Text { get; set; } = new();
    public TextInput Hint { get; set; } = new();
    public int? MaxLength { get; set; }
}
