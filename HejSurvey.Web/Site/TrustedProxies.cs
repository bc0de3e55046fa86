using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace HejSurvey.Web.Site;

/// <summary>
/// Behind a reverse proxy every request comes from the proxy's address, so the submit and login rate limits would
/// count the whole country as one client. `Site:TrustedProxies` lists the proxies (addresses or networks such as
/// 10.0.0.0/8) whose X-Forwarded-For and X-Forwarded-Proto are believed; from anyone else these headers are ignored,
/// so a client cannot choose its own address. Empty by default: the site then sees its peers as they are.
/// </summary>
public static class TrustedProxies
{
    public const string Setting = "Site:TrustedProxies";

    public static WebApplicationBuilder AddTrustedProxies(this WebApplicationBuilder builder)
    {
        var proxies = builder.Configuration.GetSection(Setting).Get<string[]>() ?? [];
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in proxies)
            {
                if (IPAddress.TryParse(proxy, out var address))
                {
                    options.KnownProxies.Add(address);
                }
                else if (System.Net.IPNetwork.TryParse(proxy, out var network))
                {
                    options.KnownIPNetworks.Add(network);
                }
                else
                {
                    throw new InvalidOperationException($"{Setting}: \"{proxy}\" is neither an IP address nor a network such as 10.0.0.0/8.");
                }
            }
        });
        return builder;
    }

    /// <summary>First in the pipeline when proxies are configured, so that everything after sees the client's address.</summary>
    public static void UseTrustedProxies(this WebApplication app)
    {
        if (app.Configuration.GetSection(Setting).Get<string[]>() is { Length: > 0 })
        {
            app.UseForwardedHeaders();
        }
    }
}
