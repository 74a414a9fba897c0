import { describe, expect, it } from "vitest";
import {
  canRunBrowser,
  chromiumMissing,
  Journey,
  newContext,
  signIn,
  useServerAndBrowser,
} from "./support.js";

describe.skipIf(!canRunBrowser())("the chatbot in the portal", () => {
  const rig = useServerAndBrowser();

  it("lets a requester on a phone find an answer and mark the question solved", async () => {
    const context = await newContext(rig.browser);
    const page = await context.newPage();
    const journey = new Journey("portal-chatbot", page);
    await signIn(page, rig.server.url, "requester-zmb@demo.test");
    expect(await journey.audit("portal home signed in")).toEqual([]);

    await page.getByRole("navigation").getByRole("link", { name: "Ask a question" }).click();
    await page.getByLabel("Your question").fill("Records stay on the tablet and do not sync when offline");
    expect(await journey.audit("question typed")).toEqual([]);
    await page.getByRole("button", { name: "Ask", exact: true }).click();

    const quote = page.getByRole("link", { name: /Offline records do not sync/ }).first();
    await quote.waitFor();
    await expect.poll(() => page.getByText("Here is what the guides say:").count()).toBe(1);
    expect(await journey.audit("answer quoted from the guides")).toEqual([]);

    await page.getByRole("button", { name: "Yes, that solved it" }).click();
    await page.getByText("Glad it helped.").waitFor();
    await journey.step("solved at level 0");

    // the server recorded the question as solved by the chatbot (L0)
    const recorded = await (
      await page.request.get(`${rig.server.url}/api/v1/chatbot/conversations/1`)
    ).json();
    expect(recorded).toMatchObject({ status: "resolved", resolvedAtLevel: 0, site: "ZMB" });

    await page.getByRole("button", { name: "Ask another question" }).click();
    await page.getByLabel("Your question").waitFor();
    await context.close();
  });

  it("opens the quoted guide at the quoted section", async () => {
    const context = await newContext(rig.browser);
    const page = await context.newPage();
    const journey = new Journey("portal-chatbot-article", page);
    await signIn(page, rig.server.url, "requester-zmb@demo.test");
    await page.goto(`${rig.server.url}/chat`);
    await page.getByLabel("Your question").fill("tablet does not sync");
    await page.getByRole("button", { name: "Ask", exact: true }).click();
    await page
      .getByRole("link", { name: /Offline records do not sync/ })
      .first()
      .click();
    await page.getByRole("heading", { level: 1, name: "Offline records do not sync" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/kb/articles/2");
    expect(await journey.audit("article page")).toEqual([]);
    await page.getByRole("button", { name: "Yes" }).click();
    await page.getByText("Thank you for your feedback.").waitFor();
    await context.close();
  });
});

if (!canRunBrowser()) console.warn(chromiumMissing);
