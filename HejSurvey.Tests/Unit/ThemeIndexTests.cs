using HejSurvey.Web.Survey;

namespace HejSurvey.Tests.Unit;

public sealed class ThemeIndexTests
{
    private static readonly Theme Theme = new("t", new("T", "T"), [new("a", new("a", "a")), new("b", new("b", "b")), new("c", new("c", "c"))]);

    [Fact]
    public void The_index_puts_the_mean_answer_on_0_to_100_leaving_out_dont_know()
    {
        // (5-1)/4*100 = 100, (2-1)/4*100 = 25, "don't know" left out: (100 + 25) / 2 = 62.5
        var index = ResponseWriter.ThemeIndex(Theme, new Dictionary<string, int> { ["a"] = 5, ["b"] = 2, ["c"] = 0 });

        Assert.Equal(62.5, index);
    }

    [Fact]
    public void A_respondent_who_knows_nothing_of_a_theme_has_no_index()
    {
        Assert.Null(ResponseWriter.ThemeIndex(Theme, new Dictionary<string, int> { ["a"] = 0, ["b"] = 0, ["c"] = 0 }));
    }
}
