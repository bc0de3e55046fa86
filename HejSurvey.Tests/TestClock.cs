namespace HejSurvey.Tests;

/// <summary>A clock the test moves by hand; the site takes it from DI wherever it asks for the time (TimeProvider).</summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start;

    public DateTimeOffset Now => now;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}
