using HejSurvey.Web.Data;
using HejSurvey.Web.Site;
using Microsoft.EntityFrameworkCore;
using QRCoder;

namespace HejSurvey.Web.Admin;

/// <summary>
/// The survey's public address as a QR code, for a slide or a poster at a workshop: SVG for print (it scales without
/// blur) and PNG for tools that take no SVG. The address comes from Site:PublicOrigin as the round page shows it, so
/// the code never carries whatever Host header the admin's request happened to have behind a proxy.
/// </summary>
public static class SurveyQrCode
{
    /// <summary>Error correction Q: a code printed on a poster still reads with a quarter of it smudged or folded.</summary>
    private const QRCodeGenerator.ECCLevel Correction = QRCodeGenerator.ECCLevel.Q;

    public static async Task<IResult> SvgAsync(string slug, HttpContext context, SurveyDb db, CancellationToken cancellationToken) =>
        await AddressAsync(slug, context, db, cancellationToken) is not { } address
            ? Results.NotFound()
            : Results.File(System.Text.Encoding.UTF8.GetBytes(Svg(address)), "image/svg+xml", $"{slug}-qr.svg");

    public static async Task<IResult> PngAsync(string slug, HttpContext context, SurveyDb db, CancellationToken cancellationToken) =>
        await AddressAsync(slug, context, db, cancellationToken) is not { } address
            ? Results.NotFound()
            : Results.File(Png(address), "image/png", $"{slug}-qr.png");

    public static string Address(HttpContext context, string slug) => $"{PublicOrigin.For(context)}/survey/{slug}";

    /// <summary>Black on white with the quiet zone scanners need, sized by its viewBox so that it fills what it is put in.</summary>
    public static string Svg(string address)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(address, Correction);
        return new SvgQRCode(data).GetGraphic(8, "#000000", "#ffffff", drawQuietZones: true, sizingMode: SvgQRCode.SizingMode.ViewBoxAttribute);
    }

    /// <summary>20 pixels a module: about 900 pixels across for a survey address, enough for a slide or an A4 poster.</summary>
    public static byte[] Png(string address)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(address, Correction);
        return new PngByteQRCode(data).GetGraphic(20);
    }

    private static async Task<string?> AddressAsync(string slug, HttpContext context, SurveyDb db, CancellationToken cancellationToken) =>
        await db.Rounds.AsNoTracking().AnyAsync(r => r.Slug == slug, cancellationToken) ? Address(context, slug) : null;
}
