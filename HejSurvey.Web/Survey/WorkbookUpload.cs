using System.IO.Compression;
using System.Xml;
using Microsoft.Extensions.Localization;

namespace HejSurvey.Web.Survey;

/// <summary>
/// An uploaded workbook is a zip of XML, and both can be made to hurt: a few kilobytes that inflate to gigabytes (a
/// zip bomb), or XML whose DTD pulls in other files or expands entities without end. Before any spreadsheet reader
/// sees the upload, every entry is inflated here against small limits, counting the bytes that really come out
/// rather than the sizes the zip claims, and every XML entry is read through once with DTDs prohibited and no
/// resolver. Only an upload that passes is opened as a workbook.
/// </summary>
public static class WorkbookUpload
{
    /// <summary>A workbook of three sheets has about a dozen entries.</summary>
    public const int MaxEntries = 64;

    /// <summary>The largest sheet a questionnaire within the rules can make is a few hundred kilobytes of XML.</summary>
    public const int MaxEntryBytes = 4 * 1024 * 1024;

    public const long MaxTotalBytes = 8 * 1024 * 1024;

    /// <summary>A zip file begins with the local file header's signature, "PK\x03\x04" (an empty zip with "PK\x05\x06").</summary>
    public static bool IsZip(ReadOnlySpan<byte> file) => file is [(byte)'P', (byte)'K', 3 or 5, 4 or 6, ..];

    /// <summary>Null when the upload may be opened as a workbook, or what is wrong with it.</summary>
    public static string? Check(byte[] file, IStringLocalizer<Text> text)
    {
        try
        {
            using var archive = new ZipArchive(new MemoryStream(file, writable: false), ZipArchiveMode.Read);
            if (archive.Entries.Count > MaxEntries)
            {
                return text["Zip-filen har fler än {0} delar: det är ingen enkät.", MaxEntries];
            }
            var total = 0L;
            var buffer = new byte[16 * 1024];
            foreach (var entry in archive.Entries)
            {
                // The claimed size is checked first only because it is cheap; the inflated bytes below decide.
                if (entry.Length > MaxEntryBytes)
                {
                    return TooLarge(text);
                }
                using var inflated = new LimitedStream(entry.Open(), MaxEntryBytes, MaxTotalBytes - total);
                if (entry.FullName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) || entry.FullName.EndsWith(".rels", StringComparison.OrdinalIgnoreCase))
                {
                    using var xml = XmlReader.Create(inflated, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, CloseInput = false });
                    while (xml.Read())
                    {
                    }
                }
                while (inflated.Read(buffer) > 0)
                {
                }
                total += inflated.Count;
            }
            return null;
        }
        catch (LimitedStream.TooLargeException)
        {
            return TooLarge(text);
        }
        catch (XmlException ex) when (ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
        {
            return text["Arbetsboken innehåller en DTD (<!DOCTYPE …>). Det gör ingen vanlig arbetsbok, och en sådan läses aldrig här."];
        }
        catch (XmlException)
        {
            return text["Arbetsboken innehåller XML som inte går att läsa."];
        }
        catch (InvalidDataException)
        {
            return text["Filen börjar som en zip-fil men går inte att packa upp."];
        }
    }

    private static string TooLarge(IStringLocalizer<Text> text) =>
        text["Zip-filen packas upp till mer än {0} MB: det är ingen enkät.", MaxTotalBytes / (1024 * 1024)];

    /// <summary>Reads an inflating stream and stops as soon as it has given more than its limits allow.</summary>
    private sealed class LimitedStream(Stream inner, long entryLimit, long totalLeft) : Stream
    {
        public sealed class TooLargeException : Exception;

        public long Count { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            Count += read;
            if (Count > entryLimit || Count > totalLeft)
            {
                throw new TooLargeException();
            }
            return read;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => Count; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
