using HejSurvey.Tests.Browser;

namespace HejSurvey.Tests.Unit;

/// <summary>
/// The fast loop (`Category!=Browser&amp;Category!=Programs`) leaves Chromium out only if every class that drives it says
/// so: a class without the trait would start a browser in the loop that promises not to.
/// </summary>
public sealed class TestTraitTests
{
    [Fact]
    public void Every_class_that_uses_the_browser_carries_the_browser_trait()
    {
        // xunit 2 keeps a collection's name and a trait's pair only as constructor arguments.
        static IEnumerable<string> Arguments<TAttribute>(Type type) => type.GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(TAttribute))
            .Select(a => string.Join("=", a.ConstructorArguments.Select(c => c.Value)));
        var browserClasses = typeof(TestTraitTests).Assembly.GetTypes()
            .Where(t => Arguments<CollectionAttribute>(t).Contains(UsesBrowser.Name))
            .ToList();

        Assert.NotEmpty(browserClasses);
        Assert.All(browserClasses, t => Assert.Contains("Category=Browser", Arguments<TraitAttribute>(t)));
    }
}
