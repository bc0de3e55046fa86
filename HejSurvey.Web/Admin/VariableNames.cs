using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HejSurvey.Web.Survey;

namespace HejSurvey.Web.Admin;

/// <summary>
/// The names the columns get in SPSS/PSPP and R. Each name comes from the question's key alone, so a statement keeps
/// its name in every version of the questionnaire and the files of two rounds can be stacked. A key that is already a
/// valid name in both (ASCII letter first, then letters, digits and underscores, at most <see cref="MaxLength"/>
/// characters, no reserved word) is its own name; any other key is cleaned and given a short hash of the key itself,
/// so that two keys that clean to the same letters still get different names.
/// </summary>
public static class VariableNames
{
    /// <summary>SPSS allows 64 bytes; short names stay readable in the variable view and in R's console.</summary>
    public const int MaxLength = 32;

    // SPSS's reserved keywords (case-insensitive) and R's reserved words: neither can be a variable name.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH",
        "if", "else", "repeat", "while", "function", "for", "next", "break", "in",
        "TRUE", "FALSE", "NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_", "NA_complex_", "NA_character_",
    };

    public static string For(string key)
    {
        if (IsValid(key))
        {
            return key;
        }
        var cleaned = new StringBuilder();
        foreach (var c in key.Normalize(NormalizationForm.FormD))
        {
            if (char.IsAsciiLetterOrDigit(c) || c == '_')
            {
                cleaned.Append(c);
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                cleaned.Append('_');
            }
        }
        var stem = cleaned.ToString().Trim('_');
        if (stem.Length == 0 || !char.IsAsciiLetter(stem[0]))
        {
            stem = "v" + stem;
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..6];
        return $"{stem[..Math.Min(stem.Length, MaxLength - hash.Length - 1)].TrimEnd('_')}_{hash}";
    }

    /// <summary>The names of the export's columns in their order; they are unique (SPSS compares them without case).</summary>
    public static string[] Of(QuestionnaireDefinition questionnaire)
    {
        var names = ResponseExport.Columns(questionnaire).Select(For).ToArray();
        var duplicate = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null
            ? names
            : throw new InvalidDataException($"Two questions of {questionnaire.Key} version {questionnaire.Version} would both be called \"{duplicate.Key}\" in SPSS and R.");
    }

    private static bool IsValid(string key) =>
        key.Length is > 0 and <= MaxLength
        && char.IsAsciiLetter(key[0])
        && key[^1] != '_'
        && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
        && !Reserved.Contains(key);
}
