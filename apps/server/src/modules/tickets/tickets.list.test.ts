import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createHarness, type Harness, testClock } from "../../../test/harness.js";
import { SCOPES, systemActor } from "../../shared/actor.js";
import { encodeCursor } from "../../shared/pagination.js";
import { DEMO_PASSWORD } from "../demo/demo.data.js";
import type { Status } from "./tickets.schemas.js";

/** The ranks of the priorities every hub starts with (the reference data of the migration). */
const PRIORITY_RANK: Record<string, number> = { critical: 0, high: 1, normal: 2, low: 3 };
type Priority = string;

/**
 * Sixty tickets at two sites of their own, seen by an agent who works only those two sites, so the
 * expected result of every filter and sort can be computed here from what the test did.
 */

const MINUTE = 60_000;
const clock = testClock();
let h: Harness;
let lister: Client;
let listerId: number;
let colleagueId: number;

type Model = {
  seq: number;
  key: string;
  site: string;
  subject: string;
  status: Status;
  tier: number;
  priority: Priority;
  category: string;
  assigneeId: number | null;
  contactId: number;
  createdAt: number;
  updatedAt: number;
};
const tickets: Model[] = [];

/** A small deterministic generator, so a failure can be replayed. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SUBJECTS = [
  "Printer offline at Chilenje clinic",
  "PRINTER jams on certificate paper",
  "Login fails after password reset",
  "Slow search on the records page",
  "CPU stuck at 100% since the upgrade",
  "Import of 1000 records stalls",
  "Column field_name missing in export",
  "Column fieldXname shown twice",
  "Sync error on tablet",
  "Wrong district on certificate",
];
const CATEGORIES = ["bug", "training", "configuration", "performance"];
const PRIORITIES: Priority[] = ["critical", "high", "normal", "low"];
const TARGET_STATUSES: Status[] = [
  "new",
  "open",
  "pending-requester",
  "pending-vendor",
  "resolved",
  "closed",
];

beforeAll(async () => {
  h = await createHarness({ clock });
  for (const code of ["LSA", "LSB"]) {
    await h.ctx.sites.create(systemActor, {
      code,
      name: `List site ${code}`,
      country: "Zambia",
      product: "OpenCRVS",
      timeZone: "Africa/Lusaka",
      languages: ["en"],
    });
  }
  const memberships = [
    { site: "LSA", role: "agent" as const },
    { site: "LSB", role: "agent" as const },
  ];
  for (const email of ["lister@example.org", "colleague@example.org"]) {
    await h.ctx.users.create(systemActor, {
      email,
      name: email.split("@")[0] as string,
      password: DEMO_PASSWORD,
      language: "en",
      hubAdmin: false,
      memberships,
      vendorTeams: [],
    });
  }
  listerId = (await h.ctx.users.findByEmail("lister@example.org"))?.id as number;
  colleagueId = (await h.ctx.users.findByEmail("colleague@example.org"))?.id as number;
  lister = await h.as("lister@example.org");
  const mover = await h.ctx.users.loadActor(listerId, new Set(SCOPES), "session");
  if (!mover) throw new Error("cannot load the lister");

  const random = prng(20260302);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;

  // Creation: mostly a minute apart, with some tickets created in the same millisecond.
  for (let i = 0; i < 60; i++) {
    if (i % 4 !== 3) clock.advance(MINUTE);
    const site = i % 3 === 0 ? "LSB" : "LSA";
    const priority = pick(PRIORITIES);
    const category = pick(CATEGORIES);
    const assigneeId = pick([listerId, colleagueId, null]);
    const res = await lister.post("/api/v1/tickets", {
      site,
      subject: `${pick(SUBJECTS)} #${i}`,
      description: "Generated for the list tests.",
      priority,
      category,
      requester: { email: `requester-${i % 4}@example.org` },
      ...(assigneeId ? { assigneeId } : {}),
    });
    if (res.statusCode !== 201) throw new Error(`creation failed: ${res.statusCode} ${res.body}`);
    const t = res.json();
    tickets.push({
      seq: i,
      key: t.key,
      site,
      subject: t.subject,
      status: "new",
      tier: 1,
      priority,
      category,
      assigneeId,
      contactId: t.requester.id,
      createdAt: clock.now(),
      updatedAt: clock.now(),
    });
  }

  // Changes in a shuffled order, so that the updated order differs from the created order.
  const order = tickets.map((t) => ({ t, r: random() })).sort((a, b) => a.r - b.r);
  for (const [n, { t }] of order.entries()) {
    if (n % 5 !== 4) clock.advance(MINUTE);
    const change = n % 4;
    if (change === 0) {
      const status = pick(TARGET_STATUSES);
      if (status === "new") continue;
      const res = await lister.patch(`/api/v1/tickets/${t.key}`, { status });
      if (res.statusCode !== 200) throw new Error(`status change failed: ${res.body}`);
      t.status = status;
    } else if (change === 1) {
      const tier = pick([1, 2, 3]);
      await h.ctx.tickets.moveTier(mover, t.key, tier, "list test");
      t.tier = tier;
    } else if (change === 2) {
      const priority = pick(PRIORITIES.filter((p) => p !== t.priority));
      const res = await lister.patch(`/api/v1/tickets/${t.key}`, { priority });
      if (res.statusCode !== 200) throw new Error(`priority change failed: ${res.body}`);
      t.priority = priority;
    } else {
      continue;
    }
    t.updatedAt = clock.now();
  }
});
afterAll(async () => h?.close());

async function page(query: string) {
  const res = await lister.get(`/api/v1/tickets?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: Array<Record<string, unknown> & { key: string }>; nextCursor: string | null };
}

/** The keys a filter returns, in one page of at most 100. */
async function keysFor(query: string): Promise<string[]> {
  const p = await page(`${query}&limit=100`);
  expect(p.nextCursor).toBeNull();
  return p.items.map((t) => t.key).sort();
}

const expected = (keep: (t: Model) => boolean) =>
  tickets
    .filter(keep)
    .map((t) => t.key)
    .sort();

describe("the ticket list", () => {
  it("shows every ticket with the fields the test gave it", async () => {
    const p = await page("limit=100");
    expect(p.items).toHaveLength(60);
    const byKey = new Map(p.items.map((t) => [t.key, t]));
    for (const t of tickets) {
      expect(byKey.get(t.key)).toMatchObject({
        site: t.site,
        status: t.status,
        tier: t.tier,
        priority: t.priority,
        category: t.category,
        assignee: t.assigneeId ? { id: t.assigneeId } : null,
        requester: { id: t.contactId },
        createdAt: new Date(t.createdAt).toISOString(),
        updatedAt: new Date(t.updatedAt).toISOString(),
      });
    }
  });

  it("the generated tickets cover every value the filters are tested with", () => {
    const distinct = (f: (t: Model) => unknown) => new Set(tickets.map(f)).size;
    expect(distinct((t) => t.site)).toBe(2);
    expect(distinct((t) => t.status)).toBeGreaterThanOrEqual(5);
    expect(distinct((t) => t.tier)).toBe(3);
    expect(distinct((t) => t.priority)).toBe(4);
    expect(distinct((t) => t.category)).toBe(4);
    expect(distinct((t) => t.assigneeId)).toBe(3);
    // Four requesters by email, at each of the two sites: contacts belong to a site.
    expect(distinct((t) => t.contactId)).toBe(8);
  });

  it("filters by site", async () => {
    expect(await keysFor("site=LSA")).toEqual(expected((t) => t.site === "LSA"));
    expect(await keysFor("site=LSB")).toEqual(expected((t) => t.site === "LSB"));
    expect(await keysFor("site=LSA,LSB")).toEqual(expected(() => true));
    expect(await keysFor("site=ZMB")).toEqual([]);
    expect(await keysFor("site=NOPE")).toEqual([]);
  });

  it("filters by status, given as a comma-separated list", async () => {
    expect(await keysFor("status=new")).toEqual(expected((t) => t.status === "new"));
    expect(await keysFor("status=open,pending-requester")).toEqual(
      expected((t) => t.status === "open" || t.status === "pending-requester"),
    );
    expect(await keysFor("status=resolved,closed")).toEqual(
      expected((t) => t.status === "resolved" || t.status === "closed"),
    );
  });

  it("filters by tier", async () => {
    expect(await keysFor("tier=1")).toEqual(expected((t) => t.tier === 1));
    expect(await keysFor("tier=2,3")).toEqual(expected((t) => t.tier >= 2));
  });

  it("filters by priority", async () => {
    expect(await keysFor("priority=critical")).toEqual(expected((t) => t.priority === "critical"));
    expect(await keysFor("priority=high,low")).toEqual(
      expected((t) => t.priority === "high" || t.priority === "low"),
    );
  });

  it("filters by category", async () => {
    expect(await keysFor("category=bug")).toEqual(expected((t) => t.category === "bug"));
    expect(await keysFor("category=training,performance")).toEqual(
      expected((t) => t.category === "training" || t.category === "performance"),
    );
  });

  it("filters by assignee: me, none or a user id", async () => {
    expect(await keysFor("assignee=me")).toEqual(expected((t) => t.assigneeId === listerId));
    expect(await keysFor("assignee=none")).toEqual(expected((t) => t.assigneeId === null));
    expect(await keysFor(`assignee=${colleagueId}`)).toEqual(expected((t) => t.assigneeId === colleagueId));
  });

  it("filters by requester contact", async () => {
    for (const contactId of new Set(tickets.map((t) => t.contactId))) {
      expect(await keysFor(`requester=${contactId}`)).toEqual(expected((t) => t.contactId === contactId));
    }
  });

  it("searches subjects case-insensitively", async () => {
    const has = (s: string) => (t: Model) => t.subject.toLowerCase().includes(s);
    expect(await keysFor("q=printer")).toEqual(expected(has("printer")));
    expect(await keysFor("q=PRINTER")).toEqual(expected(has("printer")));
    expect(await keysFor(`q=${encodeURIComponent("records page")}`)).toEqual(expected(has("records page")));
  });

  it("searches for % and _ literally, not as wildcards", async () => {
    const has = (s: string) => (t: Model) => t.subject.toLowerCase().includes(s);
    const percent = expected(has("100%"));
    const underscore = expected(has("field_name"));
    expect(percent.length).toBeGreaterThan(0);
    expect(underscore.length).toBeGreaterThan(0);
    expect(await keysFor(`q=${encodeURIComponent("100%")}`)).toEqual(percent);
    expect(await keysFor("q=field_name")).toEqual(underscore);
  });

  it("finds a ticket by its exact key, in any case", async () => {
    const target = tickets[17] as Model;
    const byKey = (t: Model) =>
      t.key === target.key || t.subject.toLowerCase().includes(target.key.toLowerCase());
    expect(await keysFor(`q=${target.key}`)).toEqual(expected(byKey));
    expect(await keysFor(`q=${target.key.toLowerCase()}`)).toEqual(expected(byKey));
    // A key prefix is not a key: LSA-1 must not find LSA-12.
    expect(await keysFor("q=LSA-1")).toEqual(expected((t) => t.key === "LSA-1"));
  });

  it("combines filters", async () => {
    expect(await keysFor("site=LSA&status=new,open&priority=high,critical&assignee=none")).toEqual(
      expected(
        (t) =>
          t.site === "LSA" &&
          (t.status === "new" || t.status === "open") &&
          (t.priority === "high" || t.priority === "critical") &&
          t.assigneeId === null,
      ),
    );
  });
});

describe("sorting and cursor pagination", () => {
  const value: Record<string, (t: Model) => number> = {
    created: (t) => t.createdAt,
    updated: (t) => t.updatedAt,
    priority: (t) => PRIORITY_RANK[t.priority] ?? 99,
  };
  /** The expected order: by the sort value, ties broken by creation order (the id); "-" reverses both. */
  const ordered = (sort: string, keep: (t: Model) => boolean = () => true) => {
    const desc = sort.startsWith("-");
    const v = value[sort.replace("-", "")] as (t: Model) => number;
    const asc = tickets.filter(keep).sort((a, b) => v(a) - v(b) || a.seq - b.seq);
    return (desc ? asc.reverse() : asc).map((t) => t.key);
  };
  async function walk(query: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const p = await page(`${query}&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(p.items.length).toBeLessThanOrEqual(7);
      keys.push(...p.items.map((t) => t.key));
      cursor = p.nextCursor;
      if (!cursor) return keys;
      expect(p.items).toHaveLength(7);
    }
    throw new Error("pagination did not end");
  }

  it("the test data has ties in every sort, so the tie-break matters", () => {
    for (const v of Object.values(value)) expect(new Set(tickets.map(v)).size).toBeLessThan(tickets.length);
  });

  for (const sort of ["created", "-created", "updated", "-updated", "priority", "-priority"]) {
    it(`walking pages sorted by ${sort} returns every ticket once, in order`, async () => {
      const keys = await walk(`sort=${sort}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).toEqual(ordered(sort));
    });
  }

  it("walks a filtered list page by page too", async () => {
    const keep = (t: Model) => t.site === "LSA" && t.status !== "closed";
    const keys = await walk(
      "site=LSA&status=new,open,pending-requester,pending-vendor,resolved&sort=-priority",
    );
    expect(keys).toEqual(ordered("-priority", keep));
  });

  it("sorts newest first by default", async () => {
    const p = await page("limit=5");
    expect(p.items.map((t) => t.key)).toEqual(ordered("-created").slice(0, 5));
  });

  it("a cursor from one sort used with another is answered, never with a server error", async () => {
    const first = await page("sort=created&limit=7");
    const created = first.nextCursor as string;
    const priority = (await page("sort=priority&limit=7")).nextCursor as string;
    for (const [sort, cursor] of [
      ["priority", created],
      ["-priority", created],
      ["-updated", created],
      ["created", priority],
      ["-created", priority],
    ]) {
      const res = await lister.get(`/api/v1/tickets?sort=${sort}&limit=7&cursor=${cursor}`);
      expect([200, 400], `${sort}: ${res.body}`).toContain(res.statusCode);
    }
  });

  it("a cursor the server did not give out is refused with 400", async () => {
    for (const cursor of [
      "not-a-cursor",
      encodeCursor([1]),
      encodeCursor(["a", 1]),
      encodeCursor([1.5, 2]),
      encodeCursor([1e300, 1]),
      encodeCursor([Date.now(), 2 ** 40]),
      encodeCursor([Date.now(), 0]),
    ]) {
      const res = await lister.get(`/api/v1/tickets?sort=created&cursor=${encodeURIComponent(cursor)}`);
      expect(res.statusCode, `${cursor}: ${res.body}`).toBe(400);
      expect(res.json().code).toBe("request.invalid_cursor");
    }
  });
});
