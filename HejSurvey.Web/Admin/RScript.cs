using System.Globalization;
using System.Text;
using HejSurvey.Web.Survey;
using Microsoft.Extensions.Localization;

namespace HejSurvey.Web.Admin;

/// <summary>
/// responses.R: base R only (no package to install) that reads the round's responses.csv into a data frame of
/// labelled factors, ordered for the agreement scale, with "don't know" as NA, and each question's text as the
/// column's "label" attribute (where RStudio's viewer and most labelling packages look for it).
/// </summary>
public static class RScript
{
    public static string Write(string slug, QuestionnaireDefinition questionnaire, string language, IStringLocalizer<Text> text)
    {
        var names = VariableNames.Of(questionnaire);
        var codebook = ResponseExport.Codebook(questionnaire).ToList();
        var csvFile = $"{slug}-responses.csv";
        var s = new StringBuilder();
        void Line(string line) => s.Append(line).Append('\n');
        string Label(ResponseExport.CodebookEntry entry) => language == "en" ? entry.TextEn : entry.TextSv;

        Line($"# {Comment(text["Omgång {0}, enkäten {1} version {2}.", slug, questionnaire.Key, questionnaire.Version])}");
        Line($"# {Comment(text["Läser {0} (hämtningen Alla svar som CSV för samma omgång) från aktuell mapp och sätter etiketter, mätnivåer och saknade värden.", csvFile])}");
        Line($"# {Comment(text["Filen innehåller fritextsvar: publicera aldrig dem."])}");
        Line("responses <- utils::read.csv(");
        Line($"  {String(csvFile)},");
        // The CSV starts with a byte order mark for Excel; "UTF-8-BOM" reads past it.
        Line("  fileEncoding = \"UTF-8-BOM\", encoding = \"UTF-8\", na.strings = \"\", check.names = FALSE,");
        Line("  col.names = c(" + string.Join(", ", names.Select(String)) + "),");
        Line("  colClasses = c(" + string.Join(", ", codebook.Select(c => String(c.Kind is "free-text" or "date" ? "character" : "integer"))) + "))");
        Line($"responses[[{String(names[1])}]] <- as.Date(responses[[{String(names[1])}]])");
        for (var i = 0; i < codebook.Count; i++)
        {
            var entry = codebook[i];
            var column = $"responses[[{String(names[i])}]]";
            if (entry.Values.Count > 0)
            {
                // Only the answers on the scale (and the background options) are levels: "don't know" (0) becomes NA.
                var levels = entry.Values.Where(v => entry.Kind != "statement" || v.Value != QuestionnaireDefinition.DontKnowValue).ToList();
                Line($"{column} <- factor({column},");
                Line($"  levels = c({string.Join(", ", levels.Select(v => v.Value.ToString(CultureInfo.InvariantCulture)))}),");
                Line($"  labels = c({string.Join(", ", levels.Select(v => String(language == "en" ? v.LabelEn : v.LabelSv)))}),");
                Line($"  ordered = {(entry.Kind == "statement" ? "TRUE" : "FALSE")})");
            }
            Line($"attr({column}, \"label\") <- {String(Label(entry))}");
        }
        Line($"attr(responses, \"questionnaire\") <- {String($"{questionnaire.Key} {questionnaire.Version.ToString(CultureInfo.InvariantCulture)}")}");
        Line($"attr(responses, \"round\") <- {String(slug)}");
        return s.ToString();
    }

    /// <summary>
    /// An R string in double quotes with every character outside ASCII as a \u escape, so that the script reads the
    /// same Swedish letters whatever the locale R runs in.
    /// </summary>
    private static string String(string value)
    {
        var s = new StringBuilder("\"");
        foreach (var rune in value.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': s.Append("\\\""); break;
                case '\\': s.Append("\\\\"); break;
                case '\n': s.Append("\\n"); break;
                case '\r': s.Append("\\r"); break;
                case '\t': s.Append("\\t"); break;
                case < 0x20 or 0x7F: s.Append(CultureInfo.InvariantCulture, $"\\x{rune.Value:x2}"); break;
                case < 0x80: s.Append((char)rune.Value); break;
                default: s.Append(CultureInfo.InvariantCulture, $"\\U{{{rune.Value:x}}}"); break;
            }
        }
        return s.Append('"').ToString();
    }

    /// <summary>A comment is one line; its non-ASCII letters stay as they are (R ignores comments).</summary>
    private static string Comment(string value) => value.ReplaceLineEndings(" ");
}
