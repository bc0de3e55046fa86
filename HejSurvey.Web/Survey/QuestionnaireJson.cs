using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.Extensions.Localization;

namespace HejSurvey.Web.Survey;

/// <summary>
/// The site's own questionnaire format: the published JSON Schema, and reading an uploaded file against it and the
/// rules. Reading never throws for bad input: every problem comes back with its line or JSON path, in the admin's language.
/// </summary>
public static class QuestionnaireJson
{
    public const string SchemaPath = "/schemas/questionnaire.schema.json";

    /// <summary>The schema as published (and as checked: the same text).</summary>
    public static readonly string SchemaText = ReadSchema();

    private static readonly JsonSchema Schema = JsonSchema.FromText(SchemaText);

    private static readonly JsonNode SchemaNode = JsonNode.Parse(SchemaText)!;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = QuestionnaireDefinition.MaxDepth };

    public static void MapQuestionnaireSchema(this WebApplication app) =>
        app.MapGet(SchemaPath, () => Microsoft.AspNetCore.Http.Results.Text(SchemaText, "application/schema+json; charset=utf-8"));

    /// <summary>The definition in the file, or null with every problem found.</summary>
    public static (QuestionnaireDefinition? Definition, List<QuestionnaireProblem> Problems) Read(ReadOnlyMemory<byte> file, IStringLocalizer<Text> text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(file, DocumentOptions);
        }
        catch (JsonException ex)
        {
            var where = text["rad {0}, tecken {1}", (ex.LineNumber ?? 0) + 1, (ex.BytePositionInLine ?? 0) + 1].Value;
            var message = ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
                ? text["Filen är nästlad djupare än {0} nivåer.", QuestionnaireDefinition.MaxDepth].Value
                : text["Filen är inte giltig JSON."].Value;
            return (null, [new(where, message)]);
        }
        using (document)
        {
            var evaluation = Schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (!evaluation.IsValid)
            {
                var problems = SchemaProblems(evaluation, document.RootElement, text);
                return (null, problems.Count > 0 ? problems : [new("$", text["Filen följer inte formatet."])]);
            }
            QuestionnaireDefinition definition;
            try
            {
                definition = QuestionnaireDefinition.Parse(document.RootElement.GetRawText());
            }
            catch (JsonException)
            {
                return (null, [new("$", text["Filen följer inte formatet."])]);
            }
            var broken = QuestionnaireRules.Check(definition, text);
            return broken.Count > 0 ? (null, broken) : (definition, []);
        }
    }

    private static List<QuestionnaireProblem> SchemaProblems(EvaluationResults evaluation, JsonElement root, IStringLocalizer<Text> text)
    {
        var problems = new List<QuestionnaireProblem>();
        foreach (var detail in (evaluation.Details ?? []).Where(d => d.Errors is { Count: > 0 }))
        {
            var path = ToJsonPath(detail.InstanceLocation.ToString());
            var schema = SchemaAt(detail.SchemaLocation);
            foreach (var keyword in detail.Errors!.Keys)
            {
                switch (keyword)
                {
                    case "required":
                        var present = Navigate(root, detail.InstanceLocation.ToString()) is { ValueKind: JsonValueKind.Object } obj
                            ? obj.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal)
                            : [];
                        foreach (var missing in (schema?["required"]?.AsArray() ?? []).Select(n => n!.GetValue<string>()).Where(n => !present.Contains(n)))
                        {
                            problems.Add(new($"{path}.{missing}", text["Fältet saknas."]));
                        }
                        break;
                    case "additionalProperties" or "false" or "$false" or "":
                        problems.Add(new(path, text["Fältet finns inte i formatet."]));
                        break;
                    case "type":
                        problems.Add(new(path, text["Värdet har fel typ: här ska stå {0}.", schema?["type"]?.ToJsonString() ?? "?"]));
                        break;
                    case "pattern":
                        problems.Add(new(path, text["Värdet ”{0}” har inte rätt form (mönster {1}).", Navigate(root, detail.InstanceLocation.ToString())?.ToString() ?? "", schema?["pattern"]?.GetValue<string>() ?? ""]));
                        break;
                    case "minItems":
                        problems.Add(new(path, text["Listan behöver minst {0} delar.", Number(schema, keyword)]));
                        break;
                    case "maxItems":
                        problems.Add(new(path, text["Listan får ha högst {0} delar.", Number(schema, keyword)]));
                        break;
                    case "maxLength":
                        problems.Add(new(path, text["Texten får ha högst {0} tecken.", Number(schema, keyword)]));
                        break;
                    case "minimum":
                        problems.Add(new(path, text["Talet ska vara minst {0}.", Number(schema, keyword)]));
                        break;
                    case "maximum":
                        problems.Add(new(path, text["Talet får vara högst {0}.", Number(schema, keyword)]));
                        break;
                    default:
                        problems.Add(new(path, text["Värdet följer inte formatet (regeln {0}).", keyword]));
                        break;
                }
            }
        }
        return problems;
    }

    private static string Number(JsonNode? schema, string keyword) =>
        schema?[keyword] is JsonValue value ? value.ToJsonString() : "?";

    /// <summary>The subschema a result comes from, read from the schema's own text by the fragment of its location.</summary>
    private static JsonNode? SchemaAt(Uri location)
    {
        var fragment = Uri.UnescapeDataString(location.Fragment.TrimStart('#'));
        JsonNode? node = SchemaNode;
        foreach (var segment in fragment.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                JsonObject obj => obj[name],
                JsonArray array when int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count => array[i],
                _ => null,
            };
        }
        return node;
    }

    private static JsonElement? Navigate(JsonElement root, string location)
    {
        var element = root;
        foreach (var segment in location.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var child))
            {
                element = child;
            }
            else if (element.ValueKind == JsonValueKind.Array && int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < element.GetArrayLength())
            {
                element = element[i];
            }
            else
            {
                return null;
            }
        }
        return element;
    }

    /// <summary>A JSON Pointer (/themes/0/key) as the JSON path the problems use ($.themes[0].key).</summary>
    public static string ToJsonPath(string location)
    {
        var path = "$";
        foreach (var segment in location.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            path += int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? $"[{i}]" : $".{name}";
        }
        return path;
    }

    private static string ReadSchema()
    {
        using var stream = typeof(QuestionnaireJson).Assembly.GetManifestResourceStream("HejSurvey.Web.questionnaire.schema.json")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
