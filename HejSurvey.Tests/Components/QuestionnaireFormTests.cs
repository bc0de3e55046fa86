using System.Globalization;
using Bunit;
using HejSurvey.Web.Components;
using HejSurvey.Web.Survey;
using Microsoft.Extensions.DependencyInjection;

namespace HejSurvey.Tests.Components;

public sealed class QuestionnaireFormTests : BunitContext
{
    private static readonly QuestionnaireDefinition Questionnaire = ShippedQuestionnaires.Newest;

    public QuestionnaireFormTests() => Services.AddLocalization(options => options.ResourcesPath = "Resources");

    private IRenderedComponent<QuestionnaireForm> RenderForm(SurveyForm input) =>
        Render<QuestionnaireForm>(parameters => parameters.Add(p => p.Questionnaire, Questionnaire).Add(p => p.Input, input));

    [Fact]
    public void Every_theme_is_a_section_and_every_question_a_fieldset_numbered_in_order()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("sv-SE");

        var form = RenderForm(new SurveyForm());

        Assert.Equal([.. Questionnaire.Themes.Select(t => t.Key), "about-you"], form.FindAll("section.theme").Select(s => s.Id));
        Assert.Equal($"Del 1 av {Questionnaire.Themes.Count + 2}: {Questionnaire.Themes[0].Title.Sv}", form.Find("section.theme h2").TextContent);
        var keys = Questionnaire.ChoiceKeys.ToList();
        var fieldsets = form.FindAll("fieldset");
        Assert.Equal(keys, fieldsets.Select(f => f.QuerySelector("input[type=radio]")!.GetAttribute("name")));
        Assert.Equal(Enumerable.Range(1, keys.Count).Select(n => $"{n}."), fieldsets.Select(f => f.QuerySelector(".number")!.TextContent));
        Assert.Empty(form.FindAll("input[checked]"));
    }

    [Fact]
    public void Each_question_is_the_same_markup_as_the_question_rendered_alone_with_its_answer_and_error()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("sv-SE");
        var input = new SurveyForm();
        input.Answers["orgtype"] = 2;
        input.Errors["lead_drive"] = new("Välj ett svar på påstående 1", "Välj ett svar");

        var form = RenderForm(input);

        var statement = Questionnaire.Statements.First();
        var alone = Render<ChoiceQuestion>(parameters => parameters
            .Add(p => p.Key, statement.Key).Add(p => p.Legend, statement.Text.Current).Add(p => p.Options, Questionnaire.Scale)
            .Add(p => p.DontKnow, Questionnaire.DontKnow).Add(p => p.Number, 1).Add(p => p.Error, "Välj ett svar"));
        form.FindAll("fieldset")[0].MarkupMatches(alone.Markup);
        Assert.Equal("orgtype-2", Assert.Single(form.FindAll("input[checked]")).Id);
        Assert.Empty(form.FindAll("#about-you .dont-know"));
    }

    [Fact]
    public void The_background_questions_name_the_configured_smallest_group_that_is_shown()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("sv-SE");
        Services.Configure<SurveyOptions>(options => options.MinGroupSize = 8);

        var form = RenderForm(new SurveyForm());

        Assert.Equal("Svaren används bara för att jämföra grupper. Grupper med färre än 8 svar visas aldrig.", form.Find("#about-you .hint").TextContent);
    }
}
