using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HejSurvey.Web.Data;

/// <summary>
/// The Data Protection keys sign the admin cookie and the antiforgery tokens. They are stored in the database, so that
/// every web node shares them (also on PostgreSQL later), but encrypted there with a certificate that is not in the
/// database: a backup from /admin/backup or a copy of the database file holds only keys that nobody can use without
/// that certificate, so it cannot make a cookie the live site accepts.
/// <list type="bullet">
/// <item><c>DataProtection:CertificatePath</c>: a PKCS#12 file (.pfx) with <c>DataProtection:CertificatePassword</c>,
/// or a PEM certificate with its PEM private key in <c>DataProtection:CertificateKeyPath</c> (encrypted with the
/// password when one is given). Every web node gets the same certificate.</item>
/// <item>Without one, in Development (and the test host) a certificate is made once beside the database file, readable
/// only by its owner; it is never inside the database nor in a backup.</item>
/// <item>Without one in any other environment the site refuses to start.</item>
/// </list>
/// </summary>
public static class KeyProtection
{
    public const string Unconfigured =
        "Data Protection keys would be stored in the database unprotected, and every backup would then be able to sign " +
        "admins in. Set DataProtection:CertificatePath to a certificate kept outside the database: a .pfx file with " +
        "DataProtection:CertificatePassword, or a PEM certificate with its private key in DataProtection:CertificateKeyPath " +
        "(see 'Production set-up' in the README). Every web node needs the same certificate.";

    public static void AddProtectedKeys(this WebApplicationBuilder builder, string connectionString, DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        var environment = builder.Environment;
        var certificate = FromConfiguration(builder.Configuration.GetSection("DataProtection"), environment.ContentRootPath);
        if (certificate is null)
        {
            if (!environment.IsDevelopment() && !environment.IsEnvironment("Testing"))
            {
                throw new InvalidOperationException(Unconfigured);
            }
            certificate = BesideDatabase(provider == DatabaseProvider.PostgreSQL
                ? DevelopmentPostgresCertificatePath(connectionString, environment.ContentRootPath)
                : DevelopmentCertificatePath(connectionString, environment.ContentRootPath));
        }
        builder.Services.AddDataProtection()
            .PersistKeysToDbContext<SurveyDb>()
            .SetApplicationName("HejSurvey")
            .ProtectKeysWithCertificate(certificate);
    }

    /// <summary>
    /// Removes keys stored before they were encrypted (a plain master key in the XML): they are in every older backup.
    /// Admins and respondents with an open form sign in or load the form again once; new keys are made encrypted.
    /// </summary>
    public static async Task<int> RemoveUnprotectedKeysAsync(SurveyDb db, CancellationToken cancellationToken = default) =>
        await db.DataProtectionKeys.Where(k => k.Xml != null && k.Xml.Contains("<masterKey")).ExecuteDeleteAsync(cancellationToken);

    /// <summary>
    /// Web nodes that start together on a database without keys would each make a key of their own, and a node that read
    /// the keys before the other's was stored protects with its own. Data Protection looks for a key it does not know
    /// only in its first two minutes; after that, a form or an admin cookie made by one node would be refused by the
    /// other until it reads its keys again, a day later. So on PostgreSQL every node reads (and, when there is none,
    /// makes) the keys at start under one lock that all nodes take: the second finds the first one's key and uses it.
    /// </summary>
    public static async Task LoadKeysOneNodeAtATimeAsync(IServiceProvider services, SurveyDb db)
    {
        if (db is not PostgresSurveyDb)
        {
            return;
        }
        await using var transaction = await db.Database.BeginTransactionAsync();
        // Released at the commit; the key itself is stored on a connection of its own and committed before that.
        await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({KeysLock})");
        try
        {
            services.GetRequiredService<IDataProtectionProvider>().CreateProtector(nameof(KeyProtection)).Protect([0]);
        }
        catch (CryptographicException ex)
        {
            // As when the site starts without this: the keys are read again at the first request that needs them.
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(KeyProtection))
                .LogWarning(ex, "Could not read or make the Data Protection keys at start.");
        }
        await transaction.CommitAsync();
    }

    /// <summary>The advisory lock of <see cref="LoadKeysOneNodeAtATimeAsync"/> ("HejKeys" in ASCII).</summary>
    private const long KeysLock = 0x48656A4B657973;

    /// <summary>Where Development keeps its certificate: beside the database, named after it (hejsurvey.db → hejsurvey.keys.pfx).</summary>
    public static string DevelopmentCertificatePath(string connectionString, string contentRoot)
    {
        var source = new SqliteConnectionStringBuilder(connectionString);
        if (source.Mode == SqliteOpenMode.Memory || source.DataSource is ":memory:" or "")
        {
            return Path.Combine(contentRoot, "App_Data", "hejsurvey.keys.pfx");
        }
        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(source.DataSource))!, Path.GetFileNameWithoutExtension(source.DataSource) + ".keys.pfx");
    }

    /// <summary>On PostgreSQL in Development: in App_Data, named after the database (hejsurvey → hejsurvey.keys.pfx).</summary>
    public static string DevelopmentPostgresCertificatePath(string connectionString, string contentRoot)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database is { Length: > 0 } name ? name : "hejsurvey";
        return Path.Combine(contentRoot, "App_Data", string.Concat(database.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')) + ".keys.pfx");
    }

    private static X509Certificate2? FromConfiguration(IConfigurationSection section, string contentRoot)
    {
        if (section["CertificatePath"] is not { Length: > 0 } configured)
        {
            return null;
        }
        var path = Path.Combine(contentRoot, configured);
        var password = section["CertificatePassword"] is { Length: > 0 } given ? given : null;
        var keyPath = section["CertificateKeyPath"] is { Length: > 0 } key ? Path.Combine(contentRoot, key) : null;
        X509Certificate2 certificate;
        try
        {
            certificate = keyPath is null
                ? X509CertificateLoader.LoadPkcs12FromFile(path, password)
                : password is null
                    ? X509Certificate2.CreateFromPemFile(path, keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"The Data Protection certificate in DataProtection:CertificatePath could not be read ({ex.Message}). {Unconfigured}", ex);
        }
        using var rsa = certificate.GetRSAPrivateKey();
        if (rsa is null)
        {
            throw new InvalidOperationException("The Data Protection certificate in DataProtection:CertificatePath needs an RSA private key (a .pfx that holds it, or DataProtection:CertificateKeyPath).");
        }
        return certificate;
    }

    /// <summary>The certificate in that file, made first if there is none yet (two processes starting at once agree on one).</summary>
    private static X509Certificate2 BesideDatabase(string path)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest("CN=HejSurvey Data Protection (Development)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(100));
            var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var file = new FileStream(temporary, options))
            {
                file.Write(created.Export(X509ContentType.Pkcs12));
            }
            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temporary);
            }
        }
        return X509CertificateLoader.LoadPkcs12FromFile(path, password: null);
    }
}
