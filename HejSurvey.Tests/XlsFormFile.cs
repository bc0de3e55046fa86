using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using SpreadCheetah;

namespace HejSurvey.Tests;

/// <summary>
/// An XLSForm as the tests change it: its sheets as rows of texts, read from a workbook and written to a new one, and
/// the workbook's zip entries for the hostile files that no spreadsheet program would write.
/// </summary>
public sealed class XlsFormFile
{
    public List<(string Name, List<List<string>> Rows)> Sheets { get; } = [];

    public List<List<string>> this[string sheet] => Sheets.Single(s => s.Name == sheet).Rows;

    public static XlsFormFile Read(byte[] workbook)
    {
        var file = new XlsFormFile();
        using var document = SpreadsheetDocument.Open(new MemoryStream(workbook), false);
        var part = document.WorkbookPart!;
        var shared = part.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(i => i.InnerText).ToList() ?? [];
        foreach (var sheet in part.Workbook.Sheets!.Elements<Sheet>())
        {
            var rows = new List<List<string>>();
            foreach (var row in ((WorksheetPart)part.GetPartById(sheet.Id!)).Worksheet.Descendants<Row>())
            {
                var cells = new List<string>();
                foreach (var cell in row.Elements<DocumentFormat.OpenXml.Spreadsheet.Cell>())
                {
                    // SpreadCheetah writes no cell references: a cell without one follows the one before.
                    var column = cell.CellReference?.Value?.TakeWhile(char.IsLetter).Aggregate(0, (n, c) => n * 26 + c - 'A' + 1) ?? cells.Count + 1;
                    while (cells.Count < column - 1)
                    {
                        cells.Add("");
                    }
                    cells.Add(cell.DataType?.Value == CellValues.SharedString ? shared[int.Parse(cell.CellValue!.Text, System.Globalization.CultureInfo.InvariantCulture)]
                        : cell.DataType?.Value == CellValues.InlineString ? cell.InlineString!.InnerText : cell.CellValue?.Text ?? "");
                }
                rows.Add(cells);
            }
            file.Sheets.Add((sheet.Name!.Value!, rows));
        }
        return file;
    }

    public async Task<byte[]> WriteAsync()
    {
        using var stream = new MemoryStream();
        await using (var workbook = await Spreadsheet.CreateNewAsync(stream))
        {
            foreach (var (name, rows) in Sheets)
            {
                await workbook.StartWorksheetAsync(name);
                foreach (var row in rows)
                {
                    await workbook.AddRowAsync(row.Select(v => new SpreadCheetah.Cell(v)).ToArray());
                }
            }
            await workbook.FinishAsync();
        }
        return stream.ToArray();
    }

    /// <summary>The row of the survey sheet whose name column holds that name.</summary>
    public List<string> SurveyRow(string name) => this["survey"].First(r => r.Count > 1 && r[1] == name);

    /// <summary>Sets a cell by its column heading, adding the column when the sheet has none of that name.</summary>
    public void Set(string sheet, List<string> row, string heading, string value)
    {
        var header = this[sheet][0];
        var column = header.IndexOf(heading);
        if (column < 0)
        {
            header.Add(heading);
            column = header.Count - 1;
        }
        while (row.Count <= column)
        {
            row.Add("");
        }
        row[column] = value;
    }

    /// <summary>The workbook with one entry's bytes replaced or added.</summary>
    public static byte[] WithEntry(byte[] workbook, string entry, byte[] content, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var stream = new MemoryStream();
        stream.Write(workbook);
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            archive.GetEntry(entry)?.Delete();
            using var writer = archive.CreateEntry(entry, level).Open();
            writer.Write(content);
        }
        return stream.ToArray();
    }

    public static byte[] WithEntry(byte[] workbook, string entry, string content) => WithEntry(workbook, entry, Encoding.UTF8.GetBytes(content));

    public static string EntryText(byte[] workbook, string entry)
    {
        using var archive = new ZipArchive(new MemoryStream(workbook), ZipArchiveMode.Read);
        using var reader = new StreamReader(archive.GetEntry(entry)!.Open());
        return reader.ReadToEnd();
    }
}
