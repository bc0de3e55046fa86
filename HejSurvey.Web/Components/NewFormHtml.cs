using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using HejSurvey.Web.Survey;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Html;

namespace HejSurvey.Web.Components;

/// <summary>
/// The questions of a new, unanswered form. They are the same for every respondent of one questionnaire version
/// in one language, and rendering them was the largest part of the survey form's cost, so each is rendered once
/// and kept. A form shown again with answers or errors is rendered afresh by the page.
/// </summary>
public sealed partial class NewFormHtml(IServiceScopeFactory scopes, ILoggerFactory loggers)
{
    private readonly ConcurrentDictionary<(int, string, string), IHtmlContent> rendered = new();

    public async Task<IHtmlContent> GetAsync(int questionnaireId, QuestionnaireDefinition questionnaire)
    {
        var key = (questionnaireId, CultureInfo.CurrentCulture.Name, CultureInfo.CurrentUICulture.Name);
        if (rendered.TryGetValue(key, out var html))
        {
            return html;
        }
        return rendered.GetOrAdd(key, new HtmlString(await RenderAsync(questionnaire)));
    }

    /// <summary>
    /// The same questions of any version (a draft too) in the given language, never kept. Every id and reference to one
    /// gets <paramref name="idPrefix"/>, so that the Swedish and English previews can share one page.
    /// </summary>
    public async Task<IHtmlContent> PreviewAsync(QuestionnaireDefinition questionnaire, CultureInfo culture, string idPrefix)
    {
        var (ui, format) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = culture;
            var html = await RenderAsync(questionnaire);
            return new HtmlString(IdReference().Replace(html, m =>
                $"{m.Groups[1].Value}=\"{string.Join(' ', m.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(id => idPrefix + id))}\""));
        }
        finally
        {
            (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (ui, format);
        }
    }

    [GeneratedRegex("\\b(id|for|aria-labelledby|aria-describedby)=\"([^\"]*)\"")]
    private static partial Regex IdReference();

    private async Task<string> RenderAsync(QuestionnaireDefinition questionnaire)
    {
        // The renderer takes scoped services of its own, so it gets a scope rather than the root provider.
        await using var scope = scopes.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, loggers);
        var text = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var parameters = ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(QuestionnaireForm.Questionnaire)] = questionnaire,
                [nameof(QuestionnaireForm.Input)] = new SurveyForm(),
            });
            var output = await renderer.RenderComponentAsync<QuestionnaireForm>(parameters);
            return output.ToHtmlString();
        });
        return text;
    }
}
