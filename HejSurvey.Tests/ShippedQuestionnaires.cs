using HejSurvey.Web.Survey;

namespace HejSurvey.Tests;

/// <summary>The questionnaire versions shipped with the site, as the tests' rounds use them.</summary>
public static class ShippedQuestionnaires
{
    /// <summary>The newest shipped version: the one a new round gets unless the admin chooses another.</summary>
    public static readonly QuestionnaireDefinition Newest = QuestionnaireDefinition.Embedded().MaxBy(e => e.Definition.Version).Definition;

    /// <summary>The first version, which the rounds of earlier years were asked and keep.</summary>
    public static readonly QuestionnaireDefinition First = QuestionnaireDefinition.Embedded().MinBy(e => e.Definition.Version).Definition;
}
