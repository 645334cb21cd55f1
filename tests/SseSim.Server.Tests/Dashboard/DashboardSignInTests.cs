using System.Net;

namespace SseSim.Server.Tests.Dashboard;

/// <summary>A server listening on a non-loopback address: the dashboard and its API need a signed-in identity.</summary>
public sealed class DashboardSignInTests : IClassFixture<DashboardSignInTests.PublicServer>
{
    public sealed class PublicServer : IAsyncLifetime
    {
        public ServerFixture Server { get; } = new() { ExtraArgs = ["--host", "0.0.0.0"] };

        public Task InitializeAsync() => Server.InitializeAsync();

        public Task DisposeAsync() => Server.DisposeAsync();
    }

    private readonly ServerFixture _server;

    public DashboardSignInTests(PublicServer fixture) => _server = fixture.Server;

    private HttpClient Client(CookieContainer cookies) =>
        new(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(_server.Endpoint) };

    [Fact]
    public async Task Without_a_session_the_api_is_refused_and_the_page_redirects_to_sign_in()
    {
        using var http = Client(new CookieContainer());
        using var api = await http.GetAsync("/_ssesim/api/keys");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        using var page = await http.GetAsync("/_ssesim/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/_ssesim/login", page.Headers.Location!.OriginalString);
        using var script = await http.GetAsync("/_ssesim/app.js");
        Assert.Equal(HttpStatusCode.Unauthorized, script.StatusCode);
    }

    [Fact]
    public async Task A_wrong_secret_gets_no_session_and_the_right_one_opens_the_api()
    {
        var cookies = new CookieContainer();
        using var http = Client(cookies);
        using var wrong = await http.PostAsync("/_ssesim/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["accessKeyId"] = "test", ["secretAccessKey"] = "nope" }));
        Assert.Equal(HttpStatusCode.Redirect, wrong.StatusCode);
        Assert.Equal("/_ssesim/login?failed=1", wrong.Headers.Location!.OriginalString);
        Assert.Empty(cookies.GetCookies(new Uri(_server.Endpoint + "/_ssesim/")));

        using var right = await http.PostAsync("/_ssesim/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["accessKeyId"] = "test", ["secretAccessKey"] = "test" }));
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        using var api = await http.GetAsync("/_ssesim/api/keys");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);

        // A forged cookie (right shape, wrong signature) is refused.
        var forged = new CookieContainer();
        var session = cookies.GetCookies(new Uri(_server.Endpoint + "/_ssesim/"))["ssesim_session"]!.Value;
        forged.Add(new Uri(_server.Endpoint), new Cookie("ssesim_session", session[..^4] + "0000", "/_ssesim"));
        using var forgedClient = Client(forged);
        using var refused = await forgedClient.GetAsync("/_ssesim/api/keys");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
