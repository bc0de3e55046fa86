using HejSurvey.Web.Data;
using HejSurvey.Web.OpenResults;
using HejSurvey.Web.Survey;
using Microsoft.AspNetCore.OutputCaching;
using Npgsql;

namespace HejSurvey.Web.Site;

/// <summary>
/// The one place that says "this changed": everything that commits a change a cached page or the form's copy of a round
/// could hide (answers to a round with live results, a round opened, closed, published, retitled or bound to another
/// questionnaire version) tells it here, after the commit. It forgets here at once and, on PostgreSQL, tells every other
/// web node through <see cref="ChangeSignal"/>, whose <see cref="ChangeListener"/> forgets there. On SQLite there is one
/// process and nothing more to tell.
/// </summary>
public sealed class SiteChanges(RoundCache rounds, IOutputCacheStore results, ChangeSignal? signal = null)
{
    private long generation;

    /// <summary>
    /// How many times this node has forgotten the results, part of every results page's cache key. A page whose render
    /// began before a change is stored under the count it began with, which no request asks for once the count has
    /// moved on; eviction alone would let such a page, finished just after it, be served until it expired.
    /// </summary>
    public long Generation => Interlocked.Read(ref generation);

    /// <summary>Something about the round changed: the form's copy of it and every results page are forgotten.</summary>
    public Task RoundChangedAsync(string slug) => ChangedAsync(slug);

    /// <summary>Answers that a results page shows were stored: every results page is forgotten, no round.</summary>
    public Task ResultsChangedAsync() => ChangedAsync(null);

    private async Task ChangedAsync(string? slug)
    {
        // Not cancellable: the change is committed, and a node that goes on serving what came before would be wrong.
        await ForgetAsync(slug);
        if (signal is not null)
        {
            await signal.SendAsync(slug);
        }
    }

    /// <summary>Forgets on this node only: what the listener does with a change another node made.</summary>
    public async Task ForgetAsync(string? slug)
    {
        if (slug is not null)
        {
            rounds.Forget(slug);
        }
        Interlocked.Increment(ref generation);
        await results.EvictByTagAsync(ResultsSetup.CacheTag, CancellationToken.None);
    }

    /// <summary>Forgets every round and every results page on this node, for when changes may have gone unheard.</summary>
    public async Task ForgetEverythingAsync()
    {
        rounds.ForgetAll();
        Interlocked.Increment(ref generation);
        await results.EvictByTagAsync(ResultsSetup.CacheTag, CancellationToken.None);
    }
}

public static class SiteChangesSetup
{
    public static IHostApplicationBuilder AddSiteChanges(this IHostApplicationBuilder builder)
    {
        // Only on PostgreSQL can several web nodes share one database, so only there is a change told to the others.
        // The database's own reading of Database:Provider decides, so that the two never disagree on a spelling.
        if (SurveyData.ProviderFrom(builder.Configuration) != DatabaseProvider.PostgreSQL)
        {
            builder.Services.AddSingleton<SiteChanges>();
            return builder;
        }
        var connectionString = builder.Configuration.GetConnectionString("Survey")
            ?? throw new InvalidOperationException("Database:Provider is PostgreSQL, but ConnectionStrings:Survey does not say which database.");
        var signalConnection = new NpgsqlConnectionStringBuilder(connectionString)
        {
            ApplicationName = ChangeSignal.ApplicationName,
            // One NOTIFY at a time from the response writer, the round closer and an admin or two: a few connections do.
            MaxPoolSize = 4,
            // The response writer waits for the NOTIFY before it answers; a server that does not answer must not hold
            // the respondents for the default 15 + 30 seconds when their answers are already stored.
            Timeout = 3,
            CommandTimeout = 3,
        };
        builder.Services.AddSingleton(sp => new ChangeSignal(NpgsqlDataSource.Create(signalConnection), sp.GetRequiredService<ILogger<ChangeSignal>>()));
        builder.Services.AddSingleton(sp => new SiteChanges(sp.GetRequiredService<RoundCache>(), sp.GetRequiredService<IOutputCacheStore>(), sp.GetRequiredService<ChangeSignal>()));
        builder.Services.AddHostedService(sp => new ChangeListener(connectionString, sp.GetRequiredService<ChangeSignal>(), sp.GetRequiredService<SiteChanges>(), sp.GetRequiredService<ILogger<ChangeListener>>()));
        return builder;
    }
}
