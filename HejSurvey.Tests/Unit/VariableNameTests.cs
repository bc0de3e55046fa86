using System.Text.RegularExpressions;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Survey;

namespace HejSurvey.Tests.Unit;

public sealed partial class VariableNameTests
{
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*[A-Za-z0-9]$")]
    private static partial Regex ValidInSpssAndR();

    [Theory]
    [InlineData("lead_drive")]
    [InlineData("orgtype")]
    [InlineData("q12")]
    public void A_key_that_is_already_a_valid_name_is_its_own_name(string key) => Assert.Equal(key, VariableNames.For(key));

    [Theory]
    [InlineData("ledarskap-mål")]
    [InlineData("1st_question")]
    [InlineData("TO")]
    [InlineData("if")]
    [InlineData("NA")]
    [InlineData("a statement key that goes on and on far beyond what anyone would type")]
    [InlineData("_")]
    [InlineData("räksmörgås.")]
    public void Any_other_key_gets_a_short_ASCII_name_valid_in_SPSS_and_R(string key)
    {
        var name = VariableNames.For(key);

        Assert.Matches(ValidInSpssAndR(), name);
        Assert.InRange(name.Length, 2, VariableNames.MaxLength);
        Assert.NotEqual(key, name);
        // Made from the key alone: the same key has the same name in every version of the questionnaire.
        Assert.Equal(name, VariableNames.For(key));
    }

    [Fact]
    public void Keys_that_clean_to_the_same_letters_get_different_names()
    {
        Assert.NotEqual(VariableNames.For("risk-try"), VariableNames.For("risk.try"));
        Assert.StartsWith("risk_try_", VariableNames.For("risk-try"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_questionnaire_keeps_its_keys_as_names()
    {
        var questionnaire = ShippedQuestionnaires.Newest;

        Assert.Equal(ResponseExport.Columns(questionnaire), VariableNames.Of(questionnaire));
    }
}
