using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HejSurvey.Web.OpenResults;

/// <summary>
/// Versions of the live results of an open round, and the final results after it, such that no version can be
/// differenced against another.
/// <para>
/// The guarantee: between any two versions a reader can see (the versions shown while the round was open, kept in
/// <see cref="LiveVersion"/> so that they survive restarts and are the same on every node, and the final results),
/// every figure whose people can be counted in both versions either stays the same or changes by at least k
/// (<see cref="SurveyOptions.MinGroupSize"/>) respondents. "Counted in both" is more than the visible cells: within a
/// breakdown a reader also has "everyone minus the visible groups", so the unit of comparison is each set of groups
/// that both versions publish a total of, that is the groups visible in both one by one and the groups hidden in
/// either together (<see cref="Atoms"/>), for every count of <see cref="Suppression.HiddenCells"/>. Counts only grow
/// while a round is open, so any union of such sets grows by 0 or at least k as well. A set that grows by 1 to k − 1
/// is hidden in the new version (or, when it is the set of all respondents, the new version is not released) and the
/// check runs again; a cell that goes from hidden to shown is therefore shown only when its set has grown by k.
/// </para>
/// <para>
/// That stops differencing, not stuffing: someone who sends all but one of the answers between two versions knows
/// their own answers and can subtract them. Against that the release is coarse: a new version comes at most every
/// <see cref="SurveyOptions.LiveIntervalMinutes"/> and only after at least <see cref="SurveyOptions.LiveStep"/>
/// (≥ 4k) new answers, so an attacker has to send LiveStep − 1 answers within the interval right around their victim's.
/// A due version also waits, for at most <see cref="WaitSteps"/> steps, until it need hide nothing the version shown
/// showed.
/// The remaining risk is stated to the admin where live results are switched on, and on the results and method pages.
/// </para>
/// <para>
/// The close cannot be held back, so the final results are a version like any other: when fewer than LiveStep
/// answers came after the last version shown, the final results stay that version (the last answers are in the
/// admin's raw data, not in the published figures); otherwise they are checked against every version shown and cells
/// that fail are hidden, as in a new version.
/// </para>
/// </summary>
public sealed class LiveSnapshots(IOptions<SurveyOptions> options, TimeProvider clock) : IDisposable
{
    // In one process, versions move on one request at a time; between nodes the key of LiveVersion keeps two from
    // storing the same version number, and the loser shows the winner's version.
    private readonly SemaphoreSlim moving = new(1, 1);

    /// <summary>The results to publish of a round whose results are visible: the live version to show, or the final results.</summary>
    public async Task<RoundResults> ResultsAsync(SurveyDb db, PublishedRound round, QuestionnaireDefinition questionnaire, int minGroupSize, CancellationToken cancellationToken)
    {
        await moving.WaitAsync(cancellationToken);
        try
        {
            // One read transaction: the round's count, its versions and its tallies are of the same commit.
            RoundTallies? tallies;
            List<LiveVersion> versions;
            LiveVersion? last;
            int responses;
            await using (var read = await db.BeginSnapshotAsync(cancellationToken))
            {
                responses = await db.Rounds.Where(r => r.Id == round.Id).Select(r => r.ResponseCount).SingleAsync(cancellationToken);
                var stored = db.LiveVersions.AsNoTracking().Where(v => v.RoundId == round.Id);
                last = await stored.OrderByDescending(v => v.Number).FirstOrDefaultAsync(cancellationToken);
                var due = round.State == RoundState.Closed || Due(last, responses, minGroupSize);
                tallies = due ? await RoundResults.TalliesAsync(db, round.Id, cancellationToken) : null;
                // Every version shown is read back only when a new one, or the final results, must be checked against
                // them; otherwise the last one is all there is to show, and a request costs the same at any count.
                versions = due ? await stored.OrderBy(v => v.Number).ToListAsync(cancellationToken) : last is null ? [] : [last];
                await read.CommitAsync(cancellationToken);
            }

            List<(RoundTallies Tallies, IReadOnlyList<Cell> Hidden)> Earlier() =>
                [.. versions.Select(v => (RoundTallies.FromJson(v.Tallies), RoundTallies.CellsFromJson(v.Hidden)))];
            if (round.State == RoundState.Closed)
            {
                if (last is not null && responses - last.Responses is > 0 and var after && after < LiveStep(minGroupSize))
                {
                    return Show(round, questionnaire, minGroupSize, last);
                }
                var final = Release(questionnaire, minGroupSize, tallies!, Earlier());
                // Null with versions shown: the final results cannot be published without giving someone away.
                return final is null && last is not null
                    ? Show(round, questionnaire, minGroupSize, last)
                    : Show(round, questionnaire, minGroupSize, responses, tallies!, final ?? []);
            }
            if (tallies is not null && Release(questionnaire, minGroupSize, tallies, Earlier()) is { } hidden
                && !HidesWhatWasShown(questionnaire, minGroupSize, tallies, hidden, last, responses, options.Value.LiveStepOf(minGroupSize)))
            {
                var version = new LiveVersion
                {
                    RoundId = round.Id,
                    Number = (last?.Number ?? 0) + 1,
                    Responses = responses,
                    ReleasedAt = clock.GetUtcNow().UtcDateTime,
                    Tallies = tallies.ToJson(),
                    Hidden = RoundTallies.CellsToJson(hidden),
                };
                if (await StoreAsync(db, version, cancellationToken))
                {
                    return Show(round, questionnaire, minGroupSize, responses, tallies, hidden);
                }
                return await LatestAsync(db, round, questionnaire, minGroupSize, cancellationToken);
            }
            return last is null
                ? Show(round, questionnaire, minGroupSize, 0, RoundTallies.Empty, [])
                : Show(round, questionnaire, minGroupSize, last);
        }
        finally
        {
            moving.Release();
        }
    }

    /// <summary>
    /// The response count to publish for a round: while it is open with live results, the count of the version shown
    /// (0 before the first), never the running count; once closed, the count of the final results, which stay the last
    /// version when fewer than <paramref name="liveStep"/> answers came after it.
    /// </summary>
    public static int ShownResponses(RoundState state, int responses, int? lastVersionResponses, int liveStep) =>
        state == RoundState.Open
            ? lastVersionResponses ?? 0
            : lastVersionResponses is { } last && responses - last is > 0 and var after && after < liveStep ? last : responses;

    /// <summary>The live step in force for a minimum group size.</summary>
    public int LiveStep(int minGroupSize) => options.Value.LiveStepOf(minGroupSize);

    /// <summary>
    /// How many steps a new version may wait for answers enough that it need hide nothing the version shown showed.
    /// A version released as soon as the step is reached often finds a group grown by only 1 to k − 1 and has to hide
    /// it; a few steps more usually let every group grow by k, so readers see fewer figures come and go.
    /// </summary>
    public const int WaitSteps = 4;

    /// <summary>
    /// True while the candidate would hide a cell that the version shown showed and it has waited fewer than
    /// <see cref="WaitSteps"/> steps.
    /// </summary>
    private static bool HidesWhatWasShown(QuestionnaireDefinition questionnaire, int minGroupSize, RoundTallies tallies, HashSet<Cell> forced, LiveVersion? last, int responses, int step)
    {
        if (last is null || responses >= last.Responses + (WaitSteps * step))
        {
            return false;
        }
        var shown = RoundTallies.FromJson(last.Tallies);
        var wasHidden = Suppression.HiddenCells(questionnaire, shown.CellCounts(questionnaire), minGroupSize, RoundTallies.CellsFromJson(last.Hidden));
        return Suppression.HiddenCells(questionnaire, tallies.CellCounts(questionnaire), minGroupSize, forced).Any(c => !wasHidden.Contains(c));
    }

    /// <summary>Whether a new version may be released: the interval has passed and LiveStep answers have come in since the one shown.</summary>
    private bool Due(LiveVersion? last, int responses, int minGroupSize)
    {
        var step = options.Value.LiveStepOf(minGroupSize);
        if (responses < (last?.Responses ?? 0) + step)
        {
            return false;
        }
        return last is null || clock.GetUtcNow().UtcDateTime >= last.ReleasedAt.AddMinutes(Math.Max(0, options.Value.LiveIntervalMinutes));
    }

    /// <summary>
    /// The cells to hide beyond the static rules so that a version computed from <paramref name="tallies"/> cannot be
    /// differenced against any of the <paramref name="earlier"/> ones; null when it cannot be released at all (it would
    /// have to hide everyone's count: fewer than k respondents in all, or fewer than k since an earlier version).
    /// </summary>
    public static HashSet<Cell>? Release(QuestionnaireDefinition questionnaire, int minGroupSize, RoundTallies tallies, IReadOnlyList<(RoundTallies Tallies, IReadOnlyList<Cell> Hidden)> earlier)
    {
        var counts = tallies.CellCounts(questionnaire);
        var earlierCounts = earlier.Select(e => (Counts: e.Tallies.CellCounts(questionnaire), Hidden: Suppression.HiddenCells(questionnaire, e.Tallies.CellCounts(questionnaire), minGroupSize, e.Hidden))).ToList();
        var forced = new HashSet<Cell>();
        while (true)
        {
            var hidden = Suppression.HiddenCells(questionnaire, counts, minGroupSize, forced);
            if (hidden.Contains(new Cell(Suppression.Size, "")))
            {
                return null;
            }
            var more = earlierCounts.SelectMany(e => Failing(questionnaire, minGroupSize, e.Counts, e.Hidden, counts, hidden)).Where(c => !hidden.Contains(c)).ToHashSet();
            if (more.Count == 0)
            {
                return forced;
            }
            forced.UnionWith(more);
        }
    }

    /// <summary>
    /// Cells to hide in the later version because a set of groups countable in both versions grew by 1 to k − 1.
    /// </summary>
    private static IEnumerable<Cell> Failing(
        QuestionnaireDefinition questionnaire,
        int minGroupSize,
        Dictionary<Cell, long[]> beforeCounts,
        HashSet<Cell> beforeHidden,
        Dictionary<Cell, long[]> afterCounts,
        HashSet<Cell> afterHidden)
    {
        bool Grew(IEnumerable<Cell> cells)
        {
            var list = cells.ToList();
            var width = afterCounts.GetValueOrDefault(list[0])?.Length ?? 1;
            return Enumerable.Range(0, width).Any(c =>
                list.Sum(cell => (afterCounts.GetValueOrDefault(cell)?[c] ?? 0) - (beforeCounts.GetValueOrDefault(cell)?[c] ?? 0)) is > 0 and var grown && grown < minGroupSize);
        }
        var measures = questionnaire.Themes
            .SelectMany(t => t.Statements.Select(s => Suppression.StatementMeasure(s.Key)).Append(Suppression.ThemeMeasure(t.Key)))
            .Prepend(Suppression.Size);
        foreach (var measure in measures)
        {
            var everyone = new Cell(measure, "");
            if (beforeHidden.Contains(everyone) || afterHidden.Contains(everyone))
            {
                // Every group of it is hidden too (Suppression), so nothing of it is countable in both versions.
                continue;
            }
            if (Grew([everyone]))
            {
                yield return everyone;
                continue;
            }
            foreach (var background in questionnaire.Background)
            {
                var cells = background.Options.Select(o => new Cell(measure, $"{background.Key}={o.Value}")).ToList();
                foreach (var atom in Atoms(cells, beforeHidden, afterHidden).Where(Grew))
                {
                    var visible = atom.Where(c => !afterHidden.Contains(c)).ToList();
                    if (visible.Count > 0)
                    {
                        foreach (var cell in visible)
                        {
                            yield return cell;
                        }
                    }
                    else
                    {
                        // The set is already hidden but still countable as everyone minus the visible groups: hiding
                        // the visible group that grew most joins it to the set, which then has grown by k.
                        var others = cells.Except(atom).Where(c => !afterHidden.Contains(c)).ToList();
                        yield return others.Count == 0
                            ? everyone
                            : others.MaxBy(c => (afterCounts.GetValueOrDefault(c)?[0] ?? 0) - (beforeCounts.GetValueOrDefault(c)?[0] ?? 0))!;
                    }
                }
            }
        }
    }

    /// <summary>
    /// The sets of a breakdown's groups whose totals a reader can count in both versions: each group visible in both,
    /// and the groups hidden in either joined together (the hidden ones of a version are countable only as their sum).
    /// </summary>
    internal static List<List<Cell>> Atoms(IReadOnlyList<Cell> cells, IReadOnlySet<Cell> beforeHidden, IReadOnlySet<Cell> afterHidden)
    {
        var joined = cells.Where(c => beforeHidden.Contains(c) || afterHidden.Contains(c)).ToList();
        var atoms = cells.Where(c => !joined.Contains(c)).Select(c => new List<Cell> { c }).ToList();
        var before = joined.Where(beforeHidden.Contains).ToList();
        var after = joined.Where(afterHidden.Contains).ToList();
        if (before.Count > 0 && after.Count > 0 && !before.Intersect(after).Any())
        {
            // Disjoint: the groups hidden in the earlier version are each visible in the later one and the other way
            // round, so each hidden set is countable in both versions on its own.
            atoms.Add(before);
            atoms.Add(after);
        }
        else if (joined.Count > 0)
        {
            atoms.Add(joined);
        }
        return atoms;
    }

    private static RoundResults Show(PublishedRound round, QuestionnaireDefinition questionnaire, int minGroupSize, int responses, RoundTallies tallies, IEnumerable<Cell> hidden) =>
        RoundResults.Compute(round with { Responses = responses }, questionnaire, minGroupSize, tallies, hidden);

    private static RoundResults Show(PublishedRound round, QuestionnaireDefinition questionnaire, int minGroupSize, LiveVersion version) =>
        Show(round, questionnaire, minGroupSize, version.Responses, RoundTallies.FromJson(version.Tallies), RoundTallies.CellsFromJson(version.Hidden));

    private static async Task<bool> StoreAsync(SurveyDb db, LiveVersion version, CancellationToken cancellationToken)
    {
        db.LiveVersions.Add(version);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another node released this number first.
            db.ChangeTracker.Clear();
            return false;
        }
    }

    private static async Task<RoundResults> LatestAsync(SurveyDb db, PublishedRound round, QuestionnaireDefinition questionnaire, int minGroupSize, CancellationToken cancellationToken)
    {
        var last = await db.LiveVersions.AsNoTracking().Where(v => v.RoundId == round.Id).OrderByDescending(v => v.Number).FirstAsync(cancellationToken);
        return Show(round, questionnaire, minGroupSize, last);
    }

    public void Dispose() => moving.Dispose();
}
