using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HejSurvey.Tests.Security;

/// <summary>Certificates for the Data Protection keys, made by the test itself as an operator would make one.</summary>
public static class TestCertificates
{
    public const string Password = "test certificate password";

    /// <summary>A self-signed RSA certificate with its key, as a password-protected .pfx in the folder.</summary>
    public static string Pfx(string folder, string name = "dataprotection")
    {
        using var certificate = Create(name);
        var path = Path.Combine(folder, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, Password));
        return path;
    }

    /// <summary>The same as a PEM certificate and a PEM (PKCS#8) private key, as openssl would write them.</summary>
    public static (string CertificatePath, string KeyPath) Pem(string folder, string name = "dataprotection")
    {
        using var certificate = Create(name);
        var certificatePath = Path.Combine(folder, name + ".crt");
        var keyPath = Path.Combine(folder, name + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        using var rsa = certificate.GetRSAPrivateKey()!;
        File.WriteAllText(keyPath, rsa.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    private static X509Certificate2 Create(string name)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }
}
