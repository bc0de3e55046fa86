using System.Globalization;
using System.Text;
using HejSurvey.Web.Survey;
using Microsoft.Extensions.Localization;

namespace HejSurvey.Web.Admin;

/// <summary>
/// responses.sps: SPSS syntax that reads the round's responses.csv and labels it, so that SPSS and PSPP open a fully
/// labelled dataset: variable labels, value labels, measurement levels, and "don't know" as a user-missing value.
/// Syntax rather than a .sav file: no maintained .NET library writes .sav, the syntax is plain text an analyst can read
/// and change, and both SPSS and PSPP run it; it reads the very same CSV that the other tools get. The labels come in
/// the language the admin reads the site in.
/// </summary>
public static class SpssSyntax
{
    // SPSS keeps value labels up to 120 bytes and variable labels up to 256; longer ones are cut, never refused.
    private const int MaxValueLabelBytes = 120;
    private const int MaxVariableLabelBytes = 255;

    public static string Write(string slug, QuestionnaireDefinition questionnaire, string language, IStringLocalizer<Text> text)
    {
        var names = VariableNames.Of(questionnaire);
        var codebook = ResponseExport.Codebook(questionnaire).ToList();
        var statements = codebook.Select((entry, i) => (entry, name: names[i])).Where(c => c.entry.Kind == "statement").Select(c => c.name).ToList();
        var nominal = codebook.Select((entry, i) => (entry, name: names[i])).Where(c => c.entry.Kind is "version" or "background").ToList();
        var csvFile = $"{slug}-responses.csv";
        var freeTextWidth = Math.Min(32767, questionnaire.FreeText.MaxLength * 4);
        var s = new StringBuilder();
        void Line(string line) => s.Append(line).Append('\n');

        Line($"* {Comment(text["Omgång {0}, enkäten {1} version {2}.", slug, questionnaire.Key, questionnaire.Version])}");
        Line($"* {Comment(text["Läser {0} (hämtningen Alla svar som CSV för samma omgång) från aktuell mapp och sätter etiketter, mätnivåer och saknade värden.", csvFile])}");
        Line($"* {Comment(text["Filen innehåller fritextsvar: publicera aldrig dem."])}");
        Line("GET DATA");
        Line("  /TYPE=TXT");
        Line($"  /FILE={Quote(csvFile)}");
        Line("  /ENCODING='UTF-8'");
        Line("  /ARRANGEMENT=DELIMITED");
        // The first line holds the column names (and the byte order mark): the data start on the second.
        Line("  /FIRSTCASE=2");
        Line("  /DELIMITERS=','");
        Line("  /QUALIFIER='\"'");
        Line("  /VARIABLES=");
        for (var i = 0; i < codebook.Count; i++)
        {
            var format = codebook[i].Kind switch
            {
                "id" => "F10.0",
                "date" => "SDATE10",
                "version" => "F4.0",
                "free-text" => $"A{freeTextWidth}",
                _ => "F2.0",
            };
            Line($"    {names[i]} {format}{(i == codebook.Count - 1 ? "." : "")}");
        }
        Line($"FILE LABEL {Quote(Cut(text["Omgång {0}, enkäten {1} version {2}.", slug, questionnaire.Key, questionnaire.Version], 60))}.");
        Line("VARIABLE LABELS");
        for (var i = 0; i < codebook.Count; i++)
        {
            var label = language == "en" ? codebook[i].TextEn : codebook[i].TextSv;
            Line($"  {(i == 0 ? "" : "/")}{names[i]} {Quote(Cut(label, MaxVariableLabelBytes))}{(i == codebook.Count - 1 ? "." : "")}");
        }
        Line("VALUE LABELS");
        var labelled = codebook.Select((entry, i) => (entry, name: names[i])).Where(c => c.entry.Values.Count > 0).ToList();
        for (var i = 0; i < labelled.Count; i++)
        {
            var (entry, name) = labelled[i];
            Line($"  {(i == 0 ? "" : "/")}{name}");
            foreach (var value in entry.Values)
            {
                Line($"    {value.Value.ToString(CultureInfo.InvariantCulture)} {Quote(Cut(language == "en" ? value.LabelEn : value.LabelSv, MaxValueLabelBytes))}");
            }
        }
        Line(".");
        if (statements.Count > 0)
        {
            Line($"MISSING VALUES {Names(statements)} ({QuestionnaireDefinition.DontKnowValue.ToString(CultureInfo.InvariantCulture)}).");
        }
        var levels = new List<string> { $"{names[0]} (SCALE)" };
        if (statements.Count > 0)
        {
            levels.Add($"{Names(statements)} (ORDINAL)");
        }
        levels.Add($"{Names([.. nominal.Select(b => b.name), names[^1]])} (NOMINAL)");
        Line($"VARIABLE LEVEL {string.Join("\n  /", levels)}.");
        Line($"FORMATS {names[1]} (SDATE10).");
        Line("EXECUTE.");
        return s.ToString();
    }

    /// <summary>A list of variable names, eight to a line, so that no line grows past what older SPSS versions read.</summary>
    private static string Names(IReadOnlyList<string> names) =>
        string.Join("\n   ", names.Chunk(8).Select(chunk => string.Join(' ', chunk)));

    /// <summary>A string in SPSS syntax: double quotes, a quote inside doubled; line breaks become spaces.</summary>
    private static string Quote(string value) =>
        $"\"{value.ReplaceLineEndings(" ").Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    /// <summary>A comment ends at the first full stop at the end of a line; the sentence itself is kept on one line.</summary>
    private static string Comment(string value) => value.ReplaceLineEndings(" ");

    /// <summary>Cuts a label to at most <paramref name="maxBytes"/> bytes of UTF-8 without splitting a character.</summary>
    private static string Cut(string value, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(value) <= maxBytes)
        {
            return value;
        }
        var length = 0;
        var bytes = 0;
        foreach (var rune in value.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > maxBytes)
            {
                break;
            }
            bytes += rune.Utf8SequenceLength;
            length += rune.Utf16SequenceLength;
        }
        return value[..length];
    }
}
