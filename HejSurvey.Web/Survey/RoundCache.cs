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
        round = await (db is PostgresSurveyDb ? PostgresRoundBySlug : RoundBySlug)(db, slug);
        // Unknown slugs are not kept: anyone can make up as many of them as they like.
        if (round is not null)
        {
            cache.Set(key, round, Lifetime);
        }
        return round;
    }

    public void Forget(string slug) => cache.Remove(Key(slug));

    /// <summary>
    /// Forgets every round at once, for when changes may have been missed. The cache is shared with others, so the old
    /// entries are not searched for: they stop being found and expire within <see cref="Lifetime"/>.
    /// </summary>
    public void ForgetAll() => Interlocked.Increment(ref generation);

    private (Type, long, string) Key(string slug) => (typeof(RoundCache), Volatile.Read(ref generation), slug);
}
