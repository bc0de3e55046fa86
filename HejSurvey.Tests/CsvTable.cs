using System.Text;
using CsvHelper;

namespace HejSurvey.Tests;

/// <summary>Reads a downloaded CSV file (with or without a byte order mark) as rows by column name.</summary>
public static class CsvTable
{
    public static List<Dictionary<string, string>> Read(string text)
    {
        var lines = new List<string[]>();
        using (var csv = CsvReader.Create(Encoding.UTF8.GetBytes(text.TrimStart('\uFEFF')), CsvReaderOptions.Default with { HasHeader = false }))
        {
            while (csv.Read())
            {
                lines.Add(csv.Current.ToArray());
            }
        }
        var header = lines[0];
        return [.. lines.Skip(1).Select(line => header.Select((name, i) => (name, value: line[i])).ToDictionary(c => c.name, c => c.value))];
    }
}
