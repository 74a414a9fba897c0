import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../test/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const preview = async (email: string, body: string) =>
  (await h.as(email)).post("/api/v1/kb/preview", { body });

describe("the editor's Markdown preview", () => {
  it("renders headings with their anchors, as a saved article would show them", async () => {
    const res = await preview(
      "agent@demo.test",
      "# Close a month\n\nIntro.\n\n## Before you start\n\n- one\n- two",
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().html).toContain('<h2 id="before-you-start">Before you start</h2>');
    expect(res.json().html).toContain("<li>one</li>");
    expect(res.json().sections).toEqual([
      { anchor: "close-a-month", heading: "Close a month", level: 1 },
      { anchor: "before-you-start", heading: "Before you start", level: 2 },
    ]);
  });

  it("passes the text through the server's sanitiser: no script, event handler or javascript: link", async () => {
    const res = await preview(
      "coordinator@demo.test",
      '<script>alert(1)</script><img src="https://x.example/a.png" onerror="alert(2)">\n\n[x](javascript:alert(3))',
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().html).not.toMatch(/<script|onerror|href="javascript:/i);
    expect(res.json().html).toContain('<img src="https://x.example/a.png" />');
  });

  it("saves nothing: no article or revision appears", async () => {
    const before = (await (await h.as("hubadmin@demo.test")).get("/api/v1/kb/articles")).json().items.length;
    expect((await preview("hubadmin@demo.test", "# Not saved")).statusCode).toBe(200);
    const after = (await (await h.as("hubadmin@demo.test")).get("/api/v1/kb/articles")).json().items.length;
    expect(after).toBe(before);
  });

  it("is for editors only: site admins, managers, requesters and engineers are refused", async () => {
    for (const email of [
      "siteadmin-zmb@demo.test",
      "manager@demo.test",
      "requester-zmb@demo.test",
      "engineer@demo.test",
    ]) {
      const res = await preview(email, "text");
      expect(res.statusCode, email).toBe(403);
      expect(res.json().code).toBe("kb.edit_forbidden");
    }
    expect((await h.anonymous().post("/api/v1/kb/preview", { body: "x" })).statusCode).toBe(401);
  });

  it("refuses a body that is not text, naming the field", async () => {
    const res = await (await h.as("agent@demo.test")).post("/api/v1/kb/preview", { body: 42 });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain("body");
  });
});
