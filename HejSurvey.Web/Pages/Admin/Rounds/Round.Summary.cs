using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using Microsoft.AspNetCore.Mvc;

namespace HejSurvey.Web.Pages.Admin.Rounds;

/// <summary>
/// The organisers' own summary of the results, in Swedish and in English, shown first among the key findings. Plain
/// text only: the results page encodes it and makes each line a paragraph, so a summary can never carry markup.
/// </summary>
public sealed partial class RoundModel
{
    public sealed class SummaryInput
    {
        public string? Sv { get; set; }
        public string? En { get; set; }
    }

    [BindProperty]
    public SummaryInput? Summary { get; set; }

    /// <summary>What is wrong with each summary as posted, in the admin's language; empty when both are fine.</summary>
    public Dictionary<string, string> SummaryErrors { get; } = [];

    public async Task<IActionResult> OnPostSummaryAsync(string slug, CancellationToken cancellationToken)
    {
        var sv = Cleaned(Summary?.Sv);
        var en = Cleaned(Summary?.En);
        Check("summary-sv", Summary?.Sv, sv, text["Sammanfattningen på svenska"]);
        Check("summary-en", Summary?.En, en, text["Sammanfattningen på engelska"]);
        if (SummaryErrors.Count > 0)
        {
            if (!await LoadAsync(slug, cancellationToken))
            {
                return NotFound();
            }
            return Page();
        }
        return await ChangeAsync(slug, AuditAction.RoundSummary, $"sv {sv?.Length ?? 0} characters, en {en?.Length ?? 0} characters",
            r => r.SummarySv != sv || r.SummaryEn != en,
            s => s.SetProperty(r => r.SummarySv, sv).SetProperty(r => r.SummaryEn, en),
            sv is null && en is null ? text["Sammanfattningen är borttagen."] : text["Sammanfattningen är sparad. Den visas först bland det viktigaste på resultatsidan."],
            text["Ingenting har ändrats: sammanfattningen var redan så."],
            cancellationToken);
    }

    private void Check(string field, string? posted, string? cleaned, string name)
    {
        if (posted is not null && posted.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            SummaryErrors[field] = text["{0} får bara innehålla text och radbrytningar.", name];
        }
        else if (cleaned is { Length: > Round.SummaryMaxLength })
        {
            SummaryErrors[field] = text["{0} får vara högst {1} tecken lång; den är {2} tecken.", name, Round.SummaryMaxLength, cleaned.Length];
        }
    }

    /// <summary>Line breaks as the browser sends them (CR LF) count as one character; blank edges go; empty is none.</summary>
    private static string? Cleaned(string? posted)
    {
        var text = posted?.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Trim();
        return string.IsNullOrEmpty(text) ? null : text;
    }
}
