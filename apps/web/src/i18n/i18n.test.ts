import { describe, expect, it } from "vitest";
import { formatDateTime } from "./format";
import { t } from "./i18n";

describe("translation and formatting", () => {
  it("fills placeholders and falls back to the key when a message is unknown", () => {
    expect(t("portal.home.title")).toBe("How can we help?");
    expect(t("nope.missing" as Parameters<typeof t>[0])).toBe("nope.missing");
  });

  it("shows the site's time beside the viewer's when their zones differ", () => {
    const at = "2026-03-03T10:00:00Z";
    const both = formatDateTime(at, { lang: "en-GB", viewer: "Europe/London", siteZone: "Africa/Lusaka" });
    expect(both).toContain("10:00");
    expect(both).toContain("(12:00 Africa/Lusaka)");
    const same = formatDateTime(at, { lang: "en-GB", viewer: "Africa/Lusaka", siteZone: "Africa/Lusaka" });
    expect(same).not.toContain("(");
    expect(same).toContain("12:00");
  });
});
