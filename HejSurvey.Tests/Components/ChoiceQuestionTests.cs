using System.Globalization;
using Bunit;
using HejSurvey.Web.Components;
using HejSurvey.Web.Survey;
using Microsoft.Extensions.DependencyInjection;

namespace HejSurvey.Tests.Components;

public sealed class ChoiceQuestionTests : BunitContext
{
    private static readonly QuestionnaireDefinition Questionnaire = ShippedQuestionnaires.Newest;

    public ChoiceQuestionTests() => Services.AddLocalization(options => options.ResourcesPath = "Resources");

    private IRenderedComponent<ChoiceQuestion> RenderStatement(int? selected = null, string? error = null)
    {
        var statement = Questionnaire.Statements.First();
        return Render<ChoiceQuestion>(parameters => parameters
            .Add(p => p.Key, statement.Key)
            .Add(p => p.Legend, statement.Text.Current)
            .Add(p => p.Options, Questionnaire.Scale)
            .Add(p => p.DontKnow, Questionnaire.DontKnow)
            .Add(p => p.Number, 1)
            .Add(p => p.Selected, selected)
            .Add(p => p.Error, error));
    }

    [Fact]
    public void A_statement_is_a_fieldset_with_its_legend_and_a_labelled_radio_per_option_and_dont_know()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("sv-SE");

        var question = RenderStatement();

        Assert.Equal("1. " + Questionnaire.Statements.First().Text.Sv, question.Find("fieldset > legend").TextContent.Trim());
        var radios = question.FindAll("input[type=radio]");
        Assert.Equal(["1", "2", "3", "4", "5", "0"], radios.Select(r => r.GetAttribute("value")));
        Assert.All(radios, r => Assert.Equal("lead_drive", r.GetAttribute("name")));
        Assert.All(radios, r => Assert.NotNull(question.Find($"label[for='{r.Id}']")));
        Assert.Equal("Vet inte", question.Find("label.dont-know").TextContent.Trim());
        Assert.Empty(question.FindAll("input[checked]"));
        Assert.Empty(question.FindAll(".field-error"));
    }

    [Fact]
    public void The_given_answer_stays_checked()
    {
        var question = RenderStatement(selected: 4);

        Assert.Equal("lead_drive-4", Assert.Single(question.FindAll("input[checked]")).Id);
    }

    [Fact]
    public void An_error_stands_beside_the_question_and_describes_the_fieldset()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("sv-SE");

        var question = RenderStatement(error: "Välj ett svar");

        question.Find("p.field-error").MarkupMatches("""<p class="field-error" id="lead_drive-error"><span class="visually-hidden">Fel:</span> Välj ett svar</p>""");
        Assert.Equal("lead_drive-error", question.Find("fieldset").GetAttribute("aria-describedby"));
        Assert.Contains("invalid", question.Find("fieldset").ClassList);
    }

    [Fact]
    public void English_labels_when_the_culture_is_English()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");

        var question = RenderStatement(error: "Choose an answer");

        Assert.Equal("Don't know", question.Find("label.dont-know").TextContent.Trim());
        Assert.Equal("Completely disagree", question.Find("label[for='lead_drive-1']").TextContent.Trim());
        Assert.Equal("Error:", question.Find(".field-error .visually-hidden").TextContent);
    }
}
