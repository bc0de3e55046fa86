using HejSurvey.Web.Site;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace HejSurvey.Web.Pages;

/// <summary>The accessibility statement (tillgänglighetsredogörelse) the law on accessible public digital services asks for.</summary>
public sealed class AccessibilityModel(IOptions<ContactOptions> contact) : PageModel
{
    /// <summary>When the site was last assessed against WCAG 2.1 AA and this statement last revised.</summary>
    public static readonly DateOnly Reviewed = new(2026, 11, 27);

    public ContactOptions Contact { get; } = contact.Value;

    public string ReviewedText => Reviewed.ToString("d MMMM yyyy", System.Globalization.CultureInfo.CurrentCulture);
}
