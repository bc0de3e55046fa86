using HejSurvey.Web.Survey;

namespace HejSurvey.Tests.Unit;

public sealed class QuestionnaireChangesTests
{
    private static readonly QuestionnaireDefinition Shipped = QuestionnaireDefinition.Embedded().First().Definition;

    [Fact]
    public void A_version_compared_with_itself_has_no_changes()
    {
        Assert.True(QuestionnaireChanges.Between(Shipped, Shipped with { Version = Shipped.Version + 1 }).None);
    }

    [Fact]
    public void Rewording_adding_removing_and_moving_statements_and_adding_an_option_are_each_named()
    {
        var first = Shipped.Themes[0];
        var last = Shipped.Themes[^1];
        var reworded = first.Statements[1];
        var moved = first.Statements[2];
        var removed = last.Statements[^1];
        var themes = Shipped.Themes.ToList();
        themes[0] = first with
        {
            Statements = [.. first.Statements.Where(s => s.Key != moved.Key).Select(s => s.Key == reworded.Key ? s with { Text = new("Ny lydelse.", "New wording.") } : s),
                new Statement("lead_new", new("Nytt.", "New."))],
        };
        themes[^1] = last with { Statements = [moved, .. last.Statements.Where(s => s.Key != removed.Key)] };
        var background = Shipped.Background.ToList();
        background[0] = background[0] with { Options = [.. background[0].Options, new ChoiceOption(background[0].Options.Count + 1, new("Annat", "Other"))] };
        var later = Shipped with { Version = Shipped.Version + 1, Themes = themes, Background = background };

        var changes = QuestionnaireChanges.Between(Shipped, later);

        var rewording = Assert.Single(changes.Reworded);
        Assert.Equal((reworded.Key, reworded.Text, "New wording."), (rewording.Key, rewording.Before, rewording.After!.En));
        Assert.Equal("lead_new", Assert.Single(changes.Added).Key);
        Assert.Equal(removed.Key, Assert.Single(changes.Removed).Key);
        // Only the statement that changed theme is moved: the others keep their order among what both versions ask.
        var move = Assert.Single(changes.Moved);
        Assert.Equal((moved.Key, first.Key, last.Key), (move.Key, move.ThemeBefore, move.ThemeAfter));
        Assert.Equal([first.Key, last.Key], changes.ThemesDiffering);
        var option = Assert.Single(changes.Options);
        Assert.Equal((background[0].Key, background[0].Options.Count, (LocalizedText?)null), (option.Question, option.Value, option.Before));
        Assert.False(changes.None);
    }
}
