import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../test/harness.js";
import { normaliseQuery } from "./kb.unanswered.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

describe("questions the knowledge base did not answer", () => {
  it("coordinators see their sites' unanswered searches grouped by the question, most asked first", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    for (const q of ["Quarterly budget?", "quarterly  BUDGET", "zzqx frobnicate"])
      expect((await requester.get(`/api/v1/kb/search?q=${encodeURIComponent(q)}&site=ZMB`)).statusCode).toBe(
        200,
      );
    const coordinator = await h.as("coordinator@demo.test");
    const res = await coordinator.get("/api/v1/kb/unanswered?site=ZMB");
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<{ query: string; count: number; search: number; people: number }>;
    expect(items[0]).toMatchObject({ query: "quarterly budget", count: 2, search: 2, people: 1 });
    expect(items.map((i) => i.query)).toContain("zzqx frobnicate");

    const later = await coordinator.get(
      `/api/v1/kb/unanswered?since=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`,
    );
    expect(later.json().items).toEqual([]);
  });

  it("requesters and agents do not see the report, and another site's coordinator gets no answer for it", async () => {
    expect((await (await h.as("requester-zmb@demo.test")).get("/api/v1/kb/unanswered")).statusCode).toBe(403);
    expect((await (await h.as("agent@demo.test")).get("/api/v1/kb/unanswered")).statusCode).toBe(403);
    expect((await (await h.as("manager@demo.test")).get("/api/v1/kb/unanswered?site=NOPE")).statusCode).toBe(
      404,
    );
    expect(
      (await (await h.as("hubadmin@demo.test")).get("/api/v1/kb/unanswered?since=yesterday")).statusCode,
    ).toBe(400);
  });

  it("a hub admin sees the questions asked without a site, never those of a site where they hold no membership", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    expect((await requester.get("/api/v1/kb/search?q=zzqv+registrar+salary&site=ZMB")).statusCode).toBe(200);
    expect((await h.anonymous().get("/api/v1/kb/search?q=zzqw+opening+hours")).statusCode).toBe(200);
    const hubAdmin = await h.as("hubadmin@demo.test");

    const all = await hubAdmin.get("/api/v1/kb/unanswered");
    expect(all.statusCode).toBe(200);
    const queries = (all.json().items as Array<{ query: string }>).map((i) => i.query);
    expect(queries).toContain("zzqw opening hours");
    expect(queries).not.toContain("zzqv registrar salary");

    const zmb = await hubAdmin.get("/api/v1/kb/unanswered?site=ZMB");
    expect(zmb.statusCode).toBe(404);
    expect(zmb.json().code).toBe("site.not_found");
    expect(zmb.body).not.toContain("zzqv");
    // the site's own coordinator still sees it
    const coordinator = await h.as("coordinator@demo.test");
    const own = (await coordinator.get("/api/v1/kb/unanswered?site=ZMB")).json().items as Array<{
      query: string;
    }>;
    expect(own.map((i) => i.query)).toContain("zzqv registrar salary");
  });

  it("normalises a question for grouping", () => {
    expect(normaliseQuery("  Réinitialiser   le MOT-de-passe ? ")).toBe("reinitialiser le mot de passe");
  });
});
