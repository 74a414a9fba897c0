import { describe, expect, it } from "vitest";
import {
  canRunBrowser,
  chromiumMissing,
  Journey,
  newContext,
  signIn,
  useServerAndBrowser,
} from "./support.js";

describe.skipIf(!canRunBrowser())("submitting a request from the portal", () => {
  const rig = useServerAndBrowser();

  it("shows a visitor without an account suggested guides, takes the request and opens its signed link", async () => {
    const context = await newContext(rig.browser);
    const page = await context.newPage();
    const journey = new Journey("portal-submit-visitor", page);
    await page.goto(`${rig.server.url}/requests/new?site=ZMB`);
    await page.getByLabel("Your name").fill("Grace Phiri");
    await page.getByLabel("E-mail address").fill("grace.phiri@example.org");
    expect(await page.getByLabel("Site code").inputValue()).toBe("ZMB");
    await page.getByLabel("Subject").fill("Tablet records do not sync");

    const suggested = page.getByRole("region", { name: "These guides may answer your question" });
    await suggested.getByRole("link", { name: /Offline records do not sync/ }).waitFor();
    expect(await journey.audit("suggestions while typing")).toEqual([]);

    await page
      .getByLabel("Description")
      .fill("I followed the guide but 14 birth declarations are still waiting in the outbox since Monday.");
    await page.getByRole("button", { name: "Send the request" }).click();
    await page.getByRole("heading", { level: 1, name: "Request received" }).waitFor();
    const receipt = await page.getByRole("status").textContent();
    const key = /ZMB-\d+/.exec(receipt ?? "")?.[0];
    expect(key).toBeDefined();
    expect(await journey.audit("request received")).toEqual([]);

    await page.getByRole("link", { name: "Follow this request" }).click();
    await page.getByRole("heading", { level: 1, name: "Tablet records do not sync" }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/portal/requests/${key}`);
    await expect.poll(() => page.getByText("Received", { exact: true }).count()).toBe(1);
    expect(await journey.audit("request followed through its signed link")).toEqual([]);

    await page.getByLabel("Your reply").fill("The tablet's clock was right, I checked.");
    await page.getByRole("button", { name: "Send the reply" }).click();
    await page.getByText("Your reply has been sent.").waitFor();
    await page.getByText("The tablet's clock was right, I checked.").waitFor();
    await journey.step("reply sent");

    // a tampered link opens nothing
    await page.goto(`${rig.server.url}/portal/requests/${key}?token=${"x".repeat(43)}`);
    await page.getByText("This link is not valid").waitFor();
    await context.close();
  });

  it("lets a signed-in requester submit after seeing suggestions and find the request in My requests", async () => {
    const context = await newContext(rig.browser);
    const page = await context.newPage();
    const journey = new Journey("portal-submit-requester", page);
    await signIn(page, rig.server.url, "requester-zmb@demo.test");
    await page.getByRole("navigation").getByRole("link", { name: "Submit a request" }).click();
    await page.getByLabel("Subject").fill("Correct a registered birth record");
    await page
      .getByRole("region", { name: "These guides may answer your question" })
      .getByRole("link")
      .first()
      .waitFor();
    expect(await journey.audit("suggestions for a signed-in requester")).toEqual([]);
    await page
      .getByLabel("Description")
      .fill("The mother's name is misspelt on a certificate issued last week.");
    await page.getByRole("button", { name: "Send the request" }).click();
    await page.getByRole("heading", { level: 1, name: "Request received" }).waitFor();

    await page.getByRole("navigation").getByRole("link", { name: "My requests" }).click();
    const mine = page.getByRole("link", { name: /Correct a registered birth record/ });
    await mine.waitFor();
    expect(await journey.audit("my requests")).toEqual([]);
    await mine.click();
    await page.getByText("The mother's name is misspelt").waitFor();
    expect(await journey.audit("request page")).toEqual([]);
    await context.close();
  });
});

if (!canRunBrowser()) console.warn(chromiumMissing);
