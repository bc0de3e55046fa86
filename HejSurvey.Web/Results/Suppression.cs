namespace HejSurvey.Web.OpenResults;

/// <summary>
/// Which groups of a breakdown may not be shown. A group smaller than the minimum is hidden; and because
/// everyone's figures are published too, the hidden groups together must also reach the minimum, or
/// "everyone minus the visible groups" would give them away. So while the hidden groups add up to fewer
/// than the minimum, the smallest visible group is hidden as well (complementary suppression). Hidden
/// groups with no respondents at all have nothing to give away and need no complement.
/// </summary>
public static class Suppression
{
    public static bool[] HiddenGroups(IReadOnlyList<long> sizes, int minGroupSize)
    {
        var hidden = sizes.Select(size => size < minGroupSize).ToArray();
        while (HiddenTotal(sizes, hidden) is > 0 and var total && total < minGroupSize && hidden.Contains(false))
        {
            var smallest = Enumerable.Range(0, sizes.Count).Where(i => !hidden[i]).MinBy(i => sizes[i]);
            hidden[smallest] = true;
        }
        return hidden;
    }

    private static long HiddenTotal(IReadOnlyList<long> sizes, bool[] hidden) =>
        Enumerable.Range(0, sizes.Count).Where(i => hidden[i]).Sum(i => sizes[i]);
}
