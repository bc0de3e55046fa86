using System.Net;
using HejSurvey.Tests.Faults;

namespace HejSurvey.Tests.Nodes;

/// <summary>
/// A browser in front of several web nodes: one cookie jar for the site's one public address, as a real browser has,
/// and a load balancer that sends each request to the node the test names. Like a balancer that ends TLS, it passes the
/// request on over plain HTTP with the public host name and X-Forwarded-For and X-Forwarded-Proto, so the nodes run as
/// in production (secure cookies, HSTS) with the balancer in Site:TrustedProxies. Which node a request reaches is the
/// test's choice, so that it can fetch a form from one node and post it to another.
/// </summary>
public sealed class NodeBrowser : IDisposable
{
    /// <summary>The address the public uses; the nodes never see it except in the Host header.</summary>
    public static readonly Uri PublicAddress = new("https://hejdigitalt.test");

    private readonly Dictionary<ServerProcess, HttpClient> clients = [];
    private readonly string clientAddress;

    /// <param name="clientAddress">The browser's own address, as the balancer reports it in X-Forwarded-For.</param>
    public NodeBrowser(string clientAddress = "192.0.2.1") => this.clientAddress = clientAddress;

    /// <summary>The cookies the browser holds, for tests that copy one into another browser.</summary>
    public CookieContainer Cookies { get; } = new();

    /// <summary>This browser's requests through the balancer to that node (relative addresses, no redirects followed).</summary>
    public HttpClient To(ServerProcess node)
    {
        lock (clients)
        {
            if (!clients.TryGetValue(node, out var client))
            {
                client = new HttpClient(new Balancer(node, Cookies, clientAddress)
                {
                    InnerHandler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false },
                })
                {
                    BaseAddress = PublicAddress,
                    Timeout = TimeSpan.FromSeconds(30),
                };
                clients[node] = client;
            }
            return client;
        }
    }

    public void Dispose()
    {
        foreach (var client in clients.Values)
        {
            client.Dispose();
        }
        clients.Clear();
    }

    /// <summary>The jar sees the public address; the node sees the balancer's request.</summary>
    private sealed class Balancer(ServerProcess node, CookieContainer cookies, string clientAddress) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var address = request.RequestUri!;
            if (cookies.GetCookieHeader(address) is { Length: > 0 } cookie)
            {
                request.Headers.Add("Cookie", cookie);
            }
            request.Headers.Host = address.Authority;
            request.Headers.Add("X-Forwarded-For", clientAddress);
            request.Headers.Add("X-Forwarded-Proto", address.Scheme);
            request.RequestUri = new Uri(node.BaseAddress, address.PathAndQuery);
            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var setCookie in setCookies)
                {
                    cookies.SetCookies(address, setCookie);
                }
            }
            return response;
        }
    }
}
