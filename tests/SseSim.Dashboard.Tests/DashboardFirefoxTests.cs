using System.Text.Json;
using SseSim.Server.Tests;
using Xunit.Abstractions;

namespace SseSim.Dashboard.Tests;

/// <summary>
/// The same dashboard walk in a stock headless Firefox (Debian's firefox-esr, driven over WebDriver BiDi), since the
/// page must work in current Chromium and Firefox. The screenshot is kept as artifacts/dashboard-firefox-ko.png.
/// </summary>
public sealed class DashboardFirefoxTests(ServerFixture server, ITestOutputHelper log) : IClassFixture<ServerFixture>
{
    private const string Firefox = "/usr/bin/firefox-esr";

    [Fact]
    public async Task The_dashboard_shows_an_objects_decrypt_flow_in_firefox_in_english_and_korean()
    {
        // .ci/run installs firefox-esr; a missing browser is a failure, never a silent pass.
        Assert.True(File.Exists(Firefox), $"{Firefox} is missing: install the 'firefox-esr' package (.ci/run does)");
        var (bucket, key, keyArn) = await DashboardScenario.PutAndGetObjectAsync(server);

        await using var firefox = await FirefoxBidi.LaunchAsync(Firefox);
        await firefox.NavigateAsync(server.Endpoint + "/_ssesim/#objects");
        var row = $"document.querySelector({Js($"[data-testid=object-row][data-object=\"{bucket}/{key}\"]")})";
        await firefox.WaitForAsync($"{row}?.querySelector('[data-testid=object-key-arn]')?.textContent ?? null", keyArn);

        await firefox.EvaluateAsync($"{row}.click()");
        await firefox.WaitForAsync("String(!!document.querySelector('[data-testid=show-flow]'))", "true");
        await firefox.EvaluateAsync("document.querySelector('[data-testid=show-flow]').click()");
        const string decrypt = "document.querySelector('[data-testid=flow-step][data-step=\"kms:Decrypt\"]')";
        await firefox.WaitForAsync($"{decrypt}?.querySelector('[data-testid=step-context]')?.textContent ?? null",
            $"{{\"aws:s3:arn\":\"arn:aws:s3:::{bucket}/{key}\"}}");
        await firefox.WaitForAsync("String(document.querySelectorAll('[data-testid=flow-step][data-step=\"key:zeroed\"]').length)", "1");
        await firefox.WaitForAsync(Contains("document.querySelector('[data-testid=sequence]')", "Decrypt"), "true");

        await firefox.EvaluateAsync("document.querySelector('[data-testid=lang-toggle]').click()");
        await firefox.WaitForAsync("document.documentElement.lang", "ko");
        await firefox.WaitForAsync("document.querySelector('h1').textContent", "SseSim — 봉투 암호화 들여다보기");
        await firefox.WaitForAsync("document.querySelector('[data-testid=show-flow]').textContent", "어떻게 복호화되었나요?");
        await firefox.WaitForAsync(Contains($"{decrypt}.querySelector('[data-testid=step-detail]')", $"KMS Decrypt 호출 (KMS 키 {keyArn})"), "true");
        await firefox.WaitForAsync("document.querySelector('[data-testid=flow-step][data-step=\"key:zeroed\"] [data-testid=step-detail]').textContent",
            "데이터 키를 메모리에서 0으로 덮어 지움");

        // Self-contained: every resource the page loaded came from the server itself.
        var external = await firefox.EvaluateAsync(
            "JSON.stringify(performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith(location.origin) && !n.startsWith('data:')))");
        Assert.Equal("[]", external);

        var artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;
        var screenshot = Path.Combine(artifacts, "dashboard-firefox-ko.png");
        await File.WriteAllBytesAsync(screenshot, await firefox.ScreenshotAsync());
        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot should hold the rendered page");
        log.WriteLine("screenshot: " + screenshot);

        Assert.Empty(firefox.Errors);
    }

    private static string Js(string value) => JsonSerializer.Serialize(value);

    private static string Contains(string element, string text) => $"String(({element}?.textContent ?? '').includes({Js(text)}))";
}
