using HejSurvey.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace HejSurvey.Web.Survey;

/// <summary>
/// The rounds the survey form shows, kept for a moment by slug. Reading the round was the largest part of every
/// form request. A change made by an admin is seen at once (the round page forgets the round); a change made to
/// the database from outside the site shows on the form within <see cref="Lifetime"/>. That never lets an answer
/// into a closed round: the response writer reads the state again inside its write transaction.
/// </summary>
public sealed class RoundCache(IMemoryCache cache)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);

    // A compiled query belongs to one model, so each provider has its own (a process runs one, the tests both).
    private static readonly Func<SurveyDb, string, Task<Round?>> RoundBySlug =
        EF.CompileAsyncQuery((SurveyDb db, string slug) => db.Rounds.AsNoTracking().SingleOrDefault(r => r.Slug == slug));

    private static readonly Func<SurveyDb, string, Task<Round?>> PostgresRoundBySlug =
        EF.CompileAsyncQuery((SurveyDb db, string slug) => db.Rounds.AsNoTracking().SingleOrDefault(r => r.Slug == slug));

    /// <summary>Part of every key; <see cref="ForgetAll"/> moves it on.</summary>
    private long generation;

    /// <summary>The round of the slug, or null. The round is shared between requests: read it, never change it.</summary>
    public async Task<Round?> FindAsync(SurveyDb db, string slug)
    {
        // One key for the look-up and the store: a round read before a ForgetAll is kept under the key it forgot.
        var key = Key(slug);
        if (cache.TryGetValue(key, out Round? round))
        {
            return round;
        }
        try
        {
            round = await (db is PostgresSurveyDb ? PostgresRoundBySlug : RoundBySlug)(db, slug);
        }
        catch (Exception ex) when (SurveyData.IsUnavailable(ex) && cache.TryGetValue(LastKnownKey(slug), out Round? lastKnown))
        {
            // The database cannot be read just now (a PostgreSQL restart or failover): the form is shown from the round
            // as last read, and a submission goes on to the response writer, which reads the state under its lock and
            // answers 503 "try again" with the answers kept while it cannot store them. Without this every respondent
            // would get an error page instead, and lose their answers.
            return lastKnown;
        }
        // Unknown slugs are not kept: anyone can make up as many of them as they like.
        if (round is not null)
        {
            cache.Set(key, round, Lifetime);
            cache.Set(LastKnownKey(slug), round, LastKnownLifetime);
        }
        return round;
    }

    /// <summary>How long a round is kept for when the database cannot be read; never used while it can.</summary>
    public static readonly TimeSpan LastKnownLifetime = TimeSpan.FromMinutes(10);

    public void Forget(string slug) => cache.Remove(Key(slug));

    /// <summary>
    /// Forgets every round at once, for when changes may have been missed. The cache is shared with others, so the old
    /// entries are not searched for: they stop being found and expire within <see cref="Lifetime"/>.
    /// </summary>
    public void ForgetAll() => Interlocked.Increment(ref generation);

    private (Type, long, string) Key(string slug) => (typeof(RoundCache), Volatile.Read(ref generation), slug);

    private static (Type, string, string) LastKnownKey(string slug) => (typeof(RoundCache), "last known", slug);
}
