using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace HejSurvey.Web.Survey;

/// <summary>
/// Inserts a response and all its answers with one prepared command: the answers refer to the response
/// through last_insert_rowid(), which inserting into the WITHOUT ROWID Answers table leaves alone.
/// One command per response instead of one per answer is most of the cost of storing it.
/// </summary>
internal sealed class ResponseRows(SqliteConnection connection, SqliteTransaction transaction) : IDisposable
{
    private readonly Dictionary<int, SqliteCommand> byAnswerCount = [];

    public void Insert(int roundId, DateOnly submittedOn, string respondentHash, Guid idempotencyKey, string? freeText, IReadOnlyDictionary<string, int> answers)
    {
        var command = CommandFor(answers.Count);
        var parameters = command.Parameters;
        parameters[0].Value = roundId;
        parameters[1].Value = submittedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        parameters[2].Value = respondentHash;
        // As EF Core stores a Guid in SQLite, so that both compare equal.
        parameters[3].Value = idempotencyKey.ToString().ToUpperInvariant();
        parameters[4].Value = (object?)freeText ?? DBNull.Value;
        var i = 5;
        foreach (var (question, value) in answers)
        {
            parameters[i++].Value = question;
            parameters[i++].Value = value;
        }
        command.ExecuteNonQuery();
    }

    private SqliteCommand CommandFor(int answerCount)
    {
        if (byAnswerCount.TryGetValue(answerCount, out var command))
        {
            return command;
        }
        var sql = new StringBuilder("INSERT INTO Responses (RoundId, SubmittedOn, RespondentHash, IdempotencyKey, FreeText) VALUES ($r, $d, $h, $k, $t);");
        command = connection.CreateCommand();
        command.Transaction = transaction;
        command.Parameters.Add("$r", SqliteType.Integer);
        command.Parameters.Add("$d", SqliteType.Text);
        command.Parameters.Add("$h", SqliteType.Text);
        command.Parameters.Add("$k", SqliteType.Text);
        command.Parameters.Add("$t", SqliteType.Text);
        if (answerCount > 0)
        {
            sql.Append("INSERT INTO Answers (ResponseId, QuestionKey, Value) VALUES ");
            for (var a = 0; a < answerCount; a++)
            {
                sql.Append(CultureInfo.InvariantCulture, $"{(a == 0 ? "" : ",")}(last_insert_rowid(), $q{a}, $v{a})");
                command.Parameters.Add($"$q{a}", SqliteType.Text);
                command.Parameters.Add($"$v{a}", SqliteType.Integer);
            }
            sql.Append(';');
        }
        command.CommandText = sql.ToString();
        command.Prepare();
        return byAnswerCount[answerCount] = command;
    }

    public void Dispose()
    {
        foreach (var command in byAnswerCount.Values)
        {
            command.Dispose();
        }
    }
}
