import { describe, expect, it } from "vitest";
import { canRunBrowser, chromiumMissing, Journey, newContext, useServerAndBrowser } from "./support.js";

describe.skipIf(!canRunBrowser())("the Arabic portal", () => {
  const rig = useServerAndBrowser();

  it("renders right to left for a visitor whose browser asks for Arabic, and back when English is picked", async () => {
    const context = await newContext(rig.browser, { locale: "ar" });
    const page = await context.newPage();
    const journey = new Journey("portal-rtl", page);
    await page.goto(rig.server.url);
    await expect.poll(() => page.evaluate(() => document.documentElement.dir)).toBe("rtl");
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("ar");
    await page.getByRole("heading", { level: 1, name: "كيف يمكننا مساعدتك؟" }).waitFor();
    // the brand starts the header on the right-hand side, as Arabic readers expect
    const brand = await page.getByRole("link", { name: "Tierdesk" }).boundingBox();
    expect(brand && brand.x + brand.width).toBeGreaterThan(300);
    expect(await journey.audit("home in Arabic")).toEqual([]);

    await page.getByRole("navigation").getByRole("link", { name: "تقديم طلب" }).click();
    await page.getByRole("heading", { level: 1, name: "تقديم طلب" }).waitFor();
    await page.getByLabel("الموضوع").fill("الجهاز اللوحي لا يرسل السجلات");
    const subject = await page.getByLabel("الموضوع").boundingBox();
    const label = await page.getByText("الموضوع", { exact: true }).boundingBox();
    // labels sit at the right edge of their field
    expect(label && subject && Math.abs(label.x + label.width - (subject.x + subject.width))).toBeLessThan(4);
    expect(await journey.audit("request form in Arabic")).toEqual([]);

    await page.getByLabel("اللغة").selectOption("en");
    await page.getByRole("heading", { level: 1, name: "Submit a request" }).waitFor();
    expect(await page.evaluate(() => [document.documentElement.dir, document.documentElement.lang])).toEqual([
      "ltr",
      "en",
    ]);
    await journey.step("switched back to English");
    await context.close();
  });
});

if (!canRunBrowser()) console.warn(chromiumMissing);
