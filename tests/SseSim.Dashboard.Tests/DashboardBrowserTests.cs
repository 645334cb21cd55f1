using Microsoft.Playwright;
using SseSim.Server.Tests;
using Xunit.Abstractions;

namespace SseSim.Dashboard.Tests;

/// <summary>
/// The dashboard in a real headless Chromium (Playwright), against the real in-process server after real SDK traffic.
/// The screenshot is kept as a test artifact under the test output directory (artifacts/dashboard-ko.png).
/// </summary>
public sealed class DashboardBrowserTests(ServerFixture server, ITestOutputHelper log) : IClassFixture<ServerFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task An_object_put_through_the_sdk_shows_its_key_and_its_decrypt_flow_in_english_and_korean()
    {
        // .ci/run installs chromium; a missing browser is a failure, never a silent pass.
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install the 'chromium' package (.ci/run does)");

        var (bucket, key, keyArn) = await DashboardScenario.PutAndGetObjectAsync(server);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1400 } });
        var problems = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                problems.Add(m.Text + " at " + m.Location);
            }
        };
        page.PageError += (_, e) => problems.Add(e);
        page.RequestFailed += (_, r) => problems.Add("request failed: " + r.Url);
        page.Request += (_, r) =>
        {
            if (!r.Url.StartsWith(server.Endpoint, StringComparison.Ordinal) && !r.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                problems.Add("external fetch: " + r.Url);
            }
        };

        await page.GotoAsync(server.Endpoint + "/_ssesim/#objects");
        var row = page.Locator($"[data-testid=object-row][data-object=\"{bucket}/{key}\"]");
        await Assertions.Expect(row.Locator("[data-testid=object-key-arn]")).ToHaveTextAsync(keyArn);

        await row.ClickAsync();
        await page.Locator("[data-testid=show-flow]").ClickAsync();
        var decrypt = page.Locator("[data-testid=flow-step][data-step=\"kms:Decrypt\"]");
        await Assertions.Expect(decrypt.Locator("[data-testid=step-context]")).ToHaveTextAsync($"{{\"aws:s3:arn\":\"arn:aws:s3:::{bucket}/{key}\"}}");
        await Assertions.Expect(page.Locator("[data-testid=sequence]")).ToContainTextAsync("Decrypt");
        await Assertions.Expect(page.Locator("[data-testid=flow-step][data-step=\"key:zeroed\"]")).ToHaveCountAsync(1);

        await page.Locator("[data-testid=lang-toggle]").ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ko");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("SseSim — 봉투 암호화 들여다보기");
        await Assertions.Expect(page.Locator("[data-testid=show-flow]")).ToHaveTextAsync("어떻게 복호화되었나요?");
        await Assertions.Expect(page.Locator("[data-testid=sequence]")).ToContainTextAsync("메모리의 키");
        // The recorded step details follow the language too; ARNs and numbers stay as recorded.
        await Assertions.Expect(decrypt.Locator("[data-testid=step-detail]")).ToContainTextAsync($"KMS Decrypt 호출 (KMS 키 {keyArn})");
        await Assertions.Expect(page.Locator("[data-testid=flow-step][data-step=\"envelope:decrypt\"] [data-testid=step-detail]"))
            .ToContainTextAsync("세그먼트 1개의 AES-256-GCM 태그를 검증한 뒤 복호화 (평문 7바이트)");
        await Assertions.Expect(page.Locator("[data-testid=flow-step][data-step=\"key:zeroed\"] [data-testid=step-detail]"))
            .ToHaveTextAsync("데이터 키를 메모리에서 0으로 덮어 지움");
        await Assertions.Expect(page.Locator("[data-testid=flow-step][data-step=\"s3:GetObject\"] [data-testid=step-detail]"))
            .ToContainTextAsync($"클라이언트 → S3 프런트엔드: GetObject s3://{bucket}/{key}");

        var artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;
        var screenshot = Path.Combine(artifacts, "dashboard-ko.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot should hold the rendered page");
        log.WriteLine("screenshot: " + screenshot);

        // The key's hierarchy hangs the object under its key-material version; the audit filters by bucket.
        await page.Locator("button.tab[data-tab=keys]").ClickAsync();
        await page.Locator($"[data-testid=key-row][data-key-arn=\"{keyArn}\"]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=hierarchy]")).ToContainTextAsync($"object: s3://{bucket}/{key}");
        await page.Locator("button.tab[data-tab=audit]").ClickAsync();
        await page.Locator("#audit-filter input[name=bucket]").FillAsync(bucket);
        await Assertions.Expect(page.Locator("[data-testid=audit-row]").Filter(new LocatorFilterOptions { HasText = "GenerateDataKey" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=audit-row]").Filter(new LocatorFilterOptions { HasText = "Decrypt" })).ToHaveCountAsync(1);

        Assert.Empty(problems);
    }
}
