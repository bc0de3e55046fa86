using System.Text;
using CsvHelper;

namespace HejSurvey.Tests;

/// <summary>Reads a downloaded CSV file (with or without a byte order mark) as rows by column name.</summary>
public static class CsvTable
{
    public static List<Dictionary<string, string>> Read(string text)
    {
        var lines = Lines(Encoding.UTF8.GetBytes(text.TrimStart('\uFEFF')));
        var header = lines[0];
        return [.. lines.Skip(1).Select(line => header.Select((name, i) => (name, value: line[i])).ToDictionary(c => c.name, c => c.value))];
    }

    /// <summary>Every line of the file, the header first, as its fields; a byte order mark is skipped.</summary>
    public static List<string[]> Lines(byte[] content)
    {
        var lines = new List<string[]>();
        using var csv = CsvReader.Create(content.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? content[3..] : content, CsvReaderOptions.Default with { HasHeader = false });
        while (csv.Read())
        {
            lines.Add(csv.Current.ToArray());
        }
        return lines;
    }
}
