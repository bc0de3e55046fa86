using HejSurvey.Tests.Pages;
using HejSurvey.Web.Data;

namespace HejSurvey.Tests.Browser;

/// <summary>
/// The rounds a journalist can look at, made once per test run: this year's round (closed, published), last
/// year's to compare with, an open round with live results and a closed round that is not published.
/// </summary>
/// <remarks>
/// This year's 30 respondents by organisation type: 12, 10, 6 and 2. Type 4 is below the minimum of five and
/// hides type 3 with it (complementary suppression), so the orgtype breakdown shows two groups and two hidden.
/// Roles are 8, 8, 7, 7 (all shown); sizes 15, 9, 4, 2 (the last two hidden). Answers vary with the respondent
/// and the statement, with some "don't know", so shares, means and indices have decimals to format.
/// </remarks>
public sealed record ResultsRounds(Round ThisYear, Round LastYear, Round Live, Round Unpublished)
{
    public static readonly int[] OrgtypeSizes = [12, 10, 6, 2];

    /// <summary>The orgtype groups that must be hidden: type 4 is too small, type 3 would give it away.</summary>
    public static readonly int[] HiddenOrgtypes = [3, 4];

    public static async Task<ResultsRounds> ArrangeAsync(SiteFactory site)
    {
        var thisYear = await site.PublishedRoundAsync("results-2026", Respondents(30, seed: 0));
        var lastYear = await site.PublishedRoundAsync("results-2025", Respondents(20, seed: 3));
        var live = await site.CreateRoundAsync("results-live", RoundState.Open, published: true, live: true);
        await site.SubmitAsync(live, Respondents(8, seed: 5));
        var unpublished = await site.CreateRoundAsync("results-unpublished");
        await site.SubmitAsync(unpublished, Respondents(6, seed: 7));
        await site.SetAsync(unpublished, RoundState.Closed, published: false);
        return new ResultsRounds(thisYear, lastYear, live, unpublished);
    }

    private static IEnumerable<Dictionary<string, int>> Respondents(int count, int seed)
    {
        var orgtypes = OrgtypeSizes.SelectMany((size, i) => Enumerable.Repeat(i + 1, size)).ToArray();
        int[] sizes = [.. Enumerable.Repeat(1, 15), .. Enumerable.Repeat(2, 9), .. Enumerable.Repeat(3, 4), .. Enumerable.Repeat(4, 2)];
        // 0 is "don't know", 1–5 the scale, leaning towards agreement; a seeded Random gives the same answers every run.
        int[] leaning = [0, 1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5];
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var answers = ResultsSite.Answer(orgtype: orgtypes[i], role: i % 4 + 1, size: sizes[i]);
            foreach (var statement in ResultsSite.Questionnaire.Statements)
            {
                answers[statement.Key] = leaning[random.Next(leaning.Length)];
            }
            yield return answers;
        }
    }
}
