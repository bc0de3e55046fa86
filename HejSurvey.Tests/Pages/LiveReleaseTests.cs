using System.Data.Common;
using System.Text.Json;
using HejSurvey.Web.Data;
using HejSurvey.Web.OpenResults;
using HejSurvey.Web.Survey;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HejSurvey.Tests.Pages;

/// <summary>The coarse release policy of live results: at most every Survey:LiveIntervalMinutes, and a step of at least 4k.</summary>
public abstract class LiveReleaseTests(DatabaseProvider provider)
{
    public sealed class OnSqlite() : LiveReleaseTests(DatabaseProvider.Sqlite);

    /// <summary>With what only PostgreSQL needs: its default isolation takes a new snapshot for every statement.</summary>
    [PostgresSuite]
    public sealed class OnPostgreSQL() : LiveReleaseTests(DatabaseProvider.PostgreSQL)
    {
        [Fact]
        public async Task A_new_version_takes_the_count_and_the_tallies_of_one_commit_while_answers_commit_beside_it()
        {
            using var site = SiteFactory.On(DatabaseProvider.PostgreSQL);
            var round = await site.CreateRoundAsync("live-one-commit", RoundState.Open, published: true, live: true);
            await site.SubmitAsync(round, Enumerable.Range(0, 20).Select(_ => ResultsSite.Answer()));
            // Into the tally tables, so that the commit beside doubles them rather than nothing.
            await using (var folding = new NpgsqlConnection(site.ConnectionString))
            {
                await folding.OpenAsync();
                await PostgresTallies.FoldAsync(folding, CancellationToken.None);
            }
            var beside = new CommitAfterCount(site.ConnectionString, round.Id);
            await using var db = new PostgresSurveyDb(new DbContextOptionsBuilder<PostgresSurveyDb>().UseNpgsql(site.ConnectionString).AddInterceptors(beside).Options);
            var live = site.Services.GetRequiredService<LiveSnapshots>();
            var published = (await RoundResults.FindPublishedAsync(db, round.Slug, live.LiveStep(5), CancellationToken.None))!;

            var results = await live.ResultsAsync(db, published with { Responses = 20 }, ShippedQuestionnaires.Newest, 5, CancellationToken.None);

            Assert.True(beside.Committed);
            // Everyone answered every statement: its figures count exactly the responses the version says it holds.
            var statement = results.Everyone.Statements[ShippedQuestionnaires.Newest.Statements.First().Key];
            Assert.Equal(20, results.Round.Responses);
            Assert.Equal(20, statement.N + statement.DontKnow);
        }

        /// <summary>
        /// Right after the round's count is read, commits on another connection what twenty more answers like the first
        /// twenty would: the count and every tally doubled.
        /// </summary>
        private sealed class CommitAfterCount(string connectionString, int roundId) : DbCommandInterceptor
        {
            public bool Committed { get; private set; }

            public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
            {
                if (!Committed && command.Transaction is not null && command.CommandText.Contains("\"ResponseCount\"", StringComparison.Ordinal))
                {
                    Committed = true;
                    await using var other = new NpgsqlConnection(connectionString);
                    await other.OpenAsync(cancellationToken);
                    await using var twice = new NpgsqlCommand(
                        """
                        UPDATE "Rounds" SET "ResponseCount" = "ResponseCount" * 2 WHERE "Id" = @round;
                        UPDATE "AnswerTallies" SET "Count" = "Count" * 2 WHERE "RoundId" = @round;
                        UPDATE "ThemeTallies" SET "N" = "N" * 2, "Sum" = "Sum" * 2, "SumOfSquares" = "SumOfSquares" * 2 WHERE "RoundId" = @round;
                        """,
                        other);
                    twice.Parameters.Add(new NpgsqlParameter<int>("round", roundId));
                    await twice.ExecuteNonQueryAsync(cancellationToken);
                }
                return result;
            }
        }
    }

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class HandClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class ClockedSite(HandClock clock, DatabaseProvider provider) : SiteFactory(provider)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock));
        }
    }

    [Fact]
    public async Task A_new_version_comes_only_once_the_interval_has_passed_and_the_step_is_reached()
    {
        var clock = new HandClock();
        using var site = new ClockedSite(clock, provider);
        var round = await site.CreateRoundAsync("live-interval", RoundState.Open, published: true, live: true);
        var browser = site.Browser();
        async Task<int> ShownAsync() =>
            JsonDocument.Parse(await browser.GetStringAsync($"/api/rounds/{round.Slug}/results")).RootElement.GetProperty("round").GetProperty("responses").GetInt32();

        await site.SubmitAsync(round, Enumerable.Range(0, 20).Select(_ => ResultsSite.Answer()));
        Assert.Equal(20, await ShownAsync());

        // Twenty more within the hour: the step is reached, the interval is not.
        clock.Now = clock.Now.AddMinutes(59);
        await site.SubmitAsync(round, Enumerable.Range(0, 20).Select(_ => ResultsSite.Answer()));
        Assert.Equal(20, await ShownAsync());

        // The hour has passed: the next answer (which also empties the cache) brings a new version.
        clock.Now = clock.Now.AddMinutes(2);
        await site.SubmitAsync(round, [ResultsSite.Answer()]);
        Assert.Equal(41, await ShownAsync());

        // The interval has started again, and the step is not reached either.
        clock.Now = clock.Now.AddMinutes(61);
        await site.SubmitAsync(round, Enumerable.Range(0, 19).Select(_ => ResultsSite.Answer()));
        Assert.Equal(41, await ShownAsync());
        await site.SubmitAsync(round, [ResultsSite.Answer()]);
        Assert.Equal(61, await ShownAsync());
    }

    [Theory]
    [InlineData("5", "19")]
    [InlineData("10", "20")]
    public void The_site_refuses_to_start_with_a_live_step_below_four_times_the_minimum(string minGroupSize, string liveStep)
    {
        using var site = SiteFactory.On(provider);
        site.Settings["Survey:MinGroupSize"] = minGroupSize;
        site.Settings["Survey:LiveStep"] = liveStep;

        var refused = Assert.ThrowsAny<Exception>(() => site.Services);

        Assert.Contains("Survey:LiveStep must be at least 4 × Survey:MinGroupSize.", refused.ToString(), StringComparison.Ordinal);
    }
}
