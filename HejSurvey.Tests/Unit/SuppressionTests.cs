using HejSurvey.Web.OpenResults;

namespace HejSurvey.Tests.Unit;

public sealed class SuppressionTests
{
    [Fact]
    public void Groups_at_or_above_the_minimum_are_shown() =>
        Assert.Equal([false, false, false, false], Suppression.HiddenGroups([5, 12, 40, 300], 5));

    [Fact]
    public void A_single_small_group_takes_the_next_smallest_with_it_so_it_cannot_be_subtracted_from_the_total()
    {
        // Everyone = 3 + 20 + 9 + 40 = 72. Hiding only the 3 would leave it as 72 − 20 − 9 − 40.
        Assert.Equal([true, false, true, false], Suppression.HiddenGroups([3, 20, 9, 40], 5));
    }

    [Fact]
    public void Two_small_groups_that_together_are_still_below_the_minimum_take_a_third()
    {
        // 1 + 2 = 3 < 5: together they would still be a group too small to show.
        Assert.Equal([true, true, false, true], Suppression.HiddenGroups([1, 2, 30, 6], 5));
    }

    [Fact]
    public void Two_small_groups_that_reach_the_minimum_together_need_nothing_more() =>
        Assert.Equal([true, true, false, false], Suppression.HiddenGroups([2, 4, 30, 6], 5));

    [Fact]
    public void An_empty_group_is_hidden_but_has_nothing_to_give_away() =>
        Assert.Equal([true, false, false, false], Suppression.HiddenGroups([0, 30, 6, 50], 5));

    [Fact]
    public void When_every_group_is_small_all_are_hidden() =>
        Assert.Equal([true, true, true], Suppression.HiddenGroups([1, 2, 1], 5));
}
