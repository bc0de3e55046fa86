using HejSurvey.Web.Site;
using HejSurvey.Web.Survey;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace HejSurvey.Web.Pages;

/// <summary>What the site stores and what it does not, its cookies, and whom to ask.</summary>
public sealed class PrivacyModel(IOptions<ContactOptions> contact, IOptions<SurveyOptions> survey) : PageModel
{
    public ContactOptions Contact { get; } = contact.Value;

    public int MinGroupSize { get; } = survey.Value.MinGroupSize;
}
