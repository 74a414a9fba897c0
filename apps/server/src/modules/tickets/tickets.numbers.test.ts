import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, dialect, type Harness } from "../../../test/harness.js";
import { ticketNumberSequences } from "../../db/migrations/0016_ticket_number_sequences.js";
import { lastSiteNumber, numberSequence, setSiteCounter } from "./tickets.numbers.js";

let h: Harness;
let zmb: number;

beforeAll(async () => {
  h = await createHarness();
  zmb = ((await h.ctx.sites.resolveCodes(["ZMB"])).found[0] as { id: number }).id;
});
afterAll(async () => h?.close());

const open = (subject: string, inTx?: () => Promise<void>) =>
  h.ctx.tickets.openForContact({
    siteId: zmb,
    requester: { email: `numbers-${subject.replace(/\W/g, "-")}@example.org`, name: "Numbers Test" },
    channel: "email",
    subject,
    description: "Opened by the numbers test.",
    requestKey: `numbers-test:${subject}`,
    ...(inTx ? { inTx: async () => inTx() } : {}),
  });

describe("a site's ticket numbers", () => {
  it("knows the last number handed out, and a set counter makes the next key follow it", async () => {
    const { ticket } = await open("before the set");
    expect(await lastSiteNumber(h.ctx.database.db, zmb)).toBe(ticket.number);
    await setSiteCounter(h.ctx.database.db, zmb, 5000);
    expect(await lastSiteNumber(h.ctx.database.db, zmb)).toBe(5000);
    const next = await open("after the set");
    expect(next.ticket.key).toBe("ZMB-5001");
    expect(await lastSiteNumber(h.ctx.database.db, zmb)).toBe(5001);
  });

  it.skipIf(dialect !== "postgres")(
    "on PostgreSQL a creation still open does not make another creation at its site wait",
    async () => {
      let release: () => void = () => {};
      const held = new Promise<void>((r) => {
        release = r;
      });
      let numbered: () => void = () => {};
      const hasNumber = new Promise<void>((r) => {
        numbered = r;
      });
      // The first creation takes its number, then stays open until the second has committed.
      const first = open("held open", async () => {
        numbered();
        await held;
      });
      await hasNumber;
      const second = await Promise.race([
        open("not kept waiting"),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error("the second creation waited")), 5000),
        ),
      ]);
      release();
      const { ticket } = await first;
      expect(second.ticket.number).toBe(ticket.number + 1);
    },
  );

  it.skipIf(dialect !== "postgres")(
    "migration 0016 turns a PostgreSQL counter row into a sequence that continues from it",
    async () => {
      const db = h.ctx.database.db;
      const site = await db
        .insertInto("sites")
        .values({
          code: "OLD",
          name: "A site made before sequences",
          country: "Zambia",
          product: "OpenCRVS",
          time_zone: "Africa/Lusaka",
          product_version: null,
          languages: JSON.stringify(["en"]),
          created_at: 0,
          updated_at: 0,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await db.insertInto("site_counters").values({ site_id: site.id, last_number: 41 }).execute();
      await ticketNumberSequences.up(db, "postgres");
      expect(await db.selectFrom("site_counters").selectAll().execute()).toEqual([]);
      expect(await lastSiteNumber(db, site.id)).toBe(41);
      const r = await sql<{
        n: number;
      }>`select nextval(${numberSequence(site.id)}::regclass)::integer as n`.execute(db);
      expect(r.rows[0]?.n).toBe(42);
    },
  );
});
