using System.Collections.Concurrent;
using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;

namespace HejSurvey.Web.OpenResults;

/// <summary>
/// Live results of an open round show an earlier state of the round, never the latest one. Were they recomputed at every
/// commit, a reader who saw the count go from 37 to 38 could subtract the two versions and read one person's answers and
/// background, whatever the suppression of small groups; and were the latest version shown, the final results at the
/// close could differ from it by a single answer. So a round's next version is computed only once
/// <see cref="SurveyOptions.MinGroupSize"/> (k) responses have come in since the version shown, and it is shown only
/// once k more have come in since it was computed. Any two versions a reader can see, the final results included, are
/// then at least k responses apart. Until a first version is due, and after a restart, there is none to show: the
/// caller shows the round's state at its opening, no responses.
/// </summary>
public sealed class LiveSnapshots : IDisposable
{
    private sealed record Versions(RoundResults? Shown, RoundResults? Next);

    private readonly ConcurrentDictionary<int, Versions> rounds = new();

    // Versions move on one request at a time: two requests computing the next version at once could otherwise show two
    // versions less than k apart. Live rounds are few and their pages come from the output cache, so one lock will do.
    private readonly SemaphoreSlim moving = new(1, 1);

    /// <summary>
    /// The version of an open round's results to show now, null while there is none yet; the round is read in the same
    /// transaction as <paramref name="compute"/> reads its tallies.
    /// </summary>
    public async Task<RoundResults?> ShowAsync(PublishedRound round, int minGroupSize, Func<Task<RoundResults>> compute)
    {
        await moving.WaitAsync();
        try
        {
            var versions = rounds.GetValueOrDefault(round.Id) ?? new Versions(null, null);
            if (versions.Next is { } next && round.Responses >= next.Round.Responses + minGroupSize)
            {
                versions = new Versions(next, null);
            }
            if (versions.Next is null && round.Responses >= (versions.Shown?.Round.Responses ?? 0) + minGroupSize)
            {
                versions = versions with { Next = await compute() };
            }
            rounds[round.Id] = versions;
            return versions.Shown;
        }
        finally
        {
            moving.Release();
        }
    }

    /// <summary>Forgets the versions of a round that has closed: its results are final and computed in full.</summary>
    public void Forget(int roundId) => rounds.TryRemove(roundId, out _);

    public void Dispose() => moving.Dispose();
}
