using System.Text.RegularExpressions;
using HejSurvey.Web.Survey;

namespace HejSurvey.Tests.Unit;

public sealed class QuestionnaireDefinitionTests
{
    public static TheoryData<string> Versions => [.. QuestionnaireDefinition.Embedded().Select(e => $"{e.Definition.Key} v{e.Definition.Version}")];

    private static QuestionnaireDefinition Load(string version) =>
        QuestionnaireDefinition.Embedded().Single(e => $"{e.Definition.Key} v{e.Definition.Version}" == version).Definition;

    private static IEnumerable<(string Where, LocalizedText Text)> Texts(QuestionnaireDefinition q)
    {
        yield return ("title", q.Title);
        yield return ("don't know", q.DontKnow.Text);
        foreach (var option in q.Scale)
        {
            yield return ($"scale {option.Value}", option.Text);
        }
        foreach (var theme in q.Themes)
        {
            yield return (theme.Key, theme.Title);
            foreach (var statement in theme.Statements)
            {
                yield return (statement.Key, statement.Text);
            }
        }
        foreach (var question in q.Background)
        {
            yield return (question.Key, question.Text);
            foreach (var option in question.Options)
            {
                yield return ($"{question.Key} {option.Value}", option.Text);
            }
        }
        yield return (q.FreeText.Key, q.FreeText.Text);
        yield return ($"{q.FreeText.Key} hint", q.FreeText.Hint);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Every_text_is_there_in_Swedish_and_English(string version)
    {
        var missing = Texts(Load(version)).Where(t => string.IsNullOrWhiteSpace(t.Text?.Sv) || string.IsNullOrWhiteSpace(t.Text?.En)).Select(t => t.Where).ToList();

        Assert.Empty(missing);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Statements_are_written_in_both_languages_not_copied(string version)
    {
        var q = Load(version);

        Assert.All(q.Statements, s => Assert.NotEqual(s.Text.Sv, s.Text.En));
        Assert.All(q.Statements, s => Assert.Matches("[åäöÅÄÖ]|[a-z]", s.Text.Sv));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Keys_are_unique_and_safe_as_form_field_names(string version)
    {
        var q = Load(version);
        var keys = q.ChoiceKeys.Append(q.FreeText.Key).Concat(q.Themes.Select(t => t.Key)).ToList();

        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.All(keys, k => Assert.Matches("^[a-z][a-z_]{1,63}$", k));
        Assert.DoesNotContain(SurveyForm.IdempotencyField, keys);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void The_scale_is_complete_and_dont_know_stands_apart(string version)
    {
        var q = Load(version);

        Assert.Equal([1, 2, 3, 4, 5], q.Scale.Select(o => o.Value));
        Assert.Equal(QuestionnaireDefinition.DontKnowValue, q.DontKnow.Value);
        Assert.DoesNotContain(q.Scale, o => o.Value == q.DontKnow.Value);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Three_themes_of_five_to_seven_statements_and_three_background_questions(string version)
    {
        var q = Load(version);

        Assert.Equal(["leadership", "userfocus", "risk"], q.Themes.Select(t => t.Key));
        Assert.All(q.Themes, t => Assert.InRange(t.Statements.Count, 5, 7));
        Assert.Equal(["orgtype", "role", "size"], q.Background.Select(b => b.Key));
        Assert.All(q.Background, b => Assert.Equal(b.Options.Count, b.Options.Select(o => o.Value).Distinct().Count()));
        Assert.All(q.Background, b => Assert.DoesNotContain(b.Options, o => o.Value == QuestionnaireDefinition.DontKnowValue));
        Assert.Equal(2000, q.FreeText.MaxLength);
    }

    [Fact]
    public void The_newest_version_keeps_the_statement_keys_and_the_first_keeps_the_texts_its_rounds_were_asked()
    {
        var first = ShippedQuestionnaires.First;
        var newest = ShippedQuestionnaires.Newest;

        Assert.True(newest.Version > first.Version, "Only one questionnaire version is shipped.");
        Assert.Equal(first.Statements.Select(s => s.Key), newest.Statements.Select(s => s.Key));
        Assert.Equal(first.ChoiceKeys, newest.ChoiceKeys);
        Assert.Equal("Strongly disagree", first.Scale[0].Text.En);
        Assert.Equal("Our managers are secure leading in uncertain terrain.", first.Statements.Single(s => s.Key == "lead_uncertainty").Text.En);
    }

    [Fact]
    public void In_the_newest_version_each_step_of_the_scale_says_the_same_in_Swedish_and_English()
    {
        // A Swedish word of the scale and the English one it is translated with; a step has the one exactly when it has the other.
        (string Sv, string En)[] words = [("avstånd", "disagree"), ("instämmer", "agree"), ("helt", "completely"), ("delvis", "partly"), ("varken", "neither")];
        static bool Has(string text, string word) => Regex.IsMatch(text, $@"\b{word}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        var scale = ShippedQuestionnaires.Newest.Scale;
        Assert.All(scale, step => Assert.All(words, pair => Assert.True(
            Has(step.Text.Sv, pair.Sv) == Has(step.Text.En, pair.En),
            $"Step {step.Value}: \"{step.Text.Sv}\" and \"{step.Text.En}\" differ in \"{pair.Sv}\"/\"{pair.En}\".")));
        Assert.All(scale, step => Assert.Contains(words, pair => Has(step.Text.Sv, pair.Sv)));
    }
}
