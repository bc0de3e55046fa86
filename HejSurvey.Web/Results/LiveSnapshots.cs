using System.Collections.Concurrent;
using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;

namespace HejSurvey.Web.OpenResults;

/// <summary>
/// Live results of an open round move on only in steps of at least the minimum group size. Were they recomputed at
/// every commit, a reader who saw the count go from 37 to 38 could subtract the two versions and read one person's
/// answers and background, whatever the suppression of small groups. So an open round's results are kept, and
/// computed afresh only once <see cref="SurveyOptions.MinGroupSize"/> more responses have come in since; any
/// difference between two versions then covers at least that many people. A closed round is always computed afresh.
/// </summary>
public sealed class LiveSnapshots
{
    private readonly ConcurrentDictionary<int, RoundResults> kept = new();

    /// <summary>The results kept for an open round, while fewer than <paramref name="minGroupSize"/> responses have come since.</summary>
    public RoundResults? Kept(PublishedRound round, int minGroupSize) =>
        round.State == RoundState.Open && kept.TryGetValue(round.Id, out var results) && round.Responses - results.Round.Responses < minGroupSize
            ? results
            : null;

    /// <summary>Keeps the results of an open round; forgets those of a round that has closed.</summary>
    public RoundResults Keep(RoundResults results)
    {
        if (results.Round.State == RoundState.Open)
        {
            kept[results.Round.Id] = results;
        }
        else
        {
            kept.TryRemove(results.Round.Id, out _);
        }
        return results;
    }
}
