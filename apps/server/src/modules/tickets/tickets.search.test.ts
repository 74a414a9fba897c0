import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createHarness, type Harness, openTicket } from "../../../test/harness.js";

const requester = { name: "Ireen Banda", email: "ireen.banda@example.org" };
const ticket = (subject: string) => ({
  site: "ZMB",
  subject,
  description: "Details of the problem as the requester told them.",
  requester,
});

let h: Harness;
let agent: Client;

beforeAll(async () => {
  h = await createHarness();
  agent = await h.as("agent@demo.test");
});
afterAll(() => h.close());

async function search(client: Client, q: string): Promise<string[]> {
  const res = await client.get(`/api/v1/tickets?q=${encodeURIComponent(q)}&limit=100`);
  expect(res.statusCode).toBe(200);
  return res.json().items.map((t: { key: string }) => t.key);
}

describe("ticket search", () => {
  it("a search without accents finds a subject written with them", async () => {
    const spanish = await openTicket(agent, ticket("Declaración de nacimiento rechazada"));
    expect(await search(agent, "declaracion")).toContain(spanish);
    expect(await search(agent, "DECLARACIÓN de naci")).toContain(spanish);
    const key = await openTicket(agent, ticket("Déclaration de naissance bloquée au guichet"));
    expect(await search(agent, "declaration")).toContain(key);
    expect(await search(agent, "DECLARATION")).toContain(key);
    expect(await search(agent, "bloquee")).toContain(key);
    expect(await search(agent, "naissance bloquée")).toContain(key);
  });

  it("the last word of a search may be the start of a word", async () => {
    const key = await openTicket(agent, ticket("Birth registration form rejects twins"));
    const other = await openTicket(agent, ticket("Death certificate form is blank"));
    expect(await search(agent, "regist")).toContain(key);
    expect(await search(agent, "birth regist")).toContain(key);
    expect(await search(agent, "regist")).not.toContain(other);
  });

  it("search text that looks like query syntax answers 200 instead of failing", async () => {
    const key = await openTicket(agent, ticket("Quoted text NEAR the (parenthesis) AND OR star* case"));
    const hostile = [
      '"',
      '"unbalanced',
      "'",
      "NEAR(quoted text)",
      "NEAR",
      "*",
      "star*",
      "(parenthesis",
      "parenthesis)",
      "AND",
      "quoted AND OR",
      "NOT quoted",
      "subject:quoted",
      "^quoted",
      "-quoted",
      "{subject}: quoted",
      "\\",
      "%",
      "_",
      "😀 quoted",
    ];
    for (const q of hostile) await search(agent, q);
    expect(await search(agent, "NEAR the")).toContain(key);
    expect(await search(agent, "(parenthesis)")).toContain(key);
    expect(await search(agent, "star*")).toContain(key);
    expect(await search(agent, "AND OR")).toContain(key);
  });

  it("the search follows a changed subject", async () => {
    const key = await openTicket(agent, ticket("Tablet sync qwxoldword fails"));
    expect(await search(agent, "qwxoldword")).toContain(key);
    const res = await agent.patch(`/api/v1/tickets/${key}`, { subject: "Tablet sync qwxnewword fails" });
    expect(res.statusCode).toBe(200);
    expect(await search(agent, "qwxoldword")).not.toContain(key);
    expect(await search(agent, "qwxnewword")).toContain(key);
  });

  it("a search finds only the tickets the searcher may read", async () => {
    const key = await openTicket(agent, ticket("Server room zqvisibility alarm"));
    expect(await search(agent, "zqvisibility")).toEqual([key]);
    const stranger = await h.as("requester-zmb@demo.test");
    expect(await search(stranger, "zqvisibility")).toEqual([]);
  });

  it("search combines with the other filters and pages by the chosen sort", async () => {
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) keys.push(await openTicket(agent, ticket(`Scanner zqpaging fault ${i}`)));
    await openTicket(agent, { ...ticket("Scanner zqpaging elsewhere"), site: "UGA" });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/tickets?q=zqpaging&site=ZMB&sort=created&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const res = await agent.get(url);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      seen.push(...body.items.map((t: { key: string }) => t.key));
      cursor = body.nextCursor ?? null;
    } while (cursor);
    expect(seen).toEqual(keys);
  });

  it("a search sorted newest first pages through every match once, newest first, in the chosen sites only", async () => {
    const zmb: string[] = [];
    for (let i = 0; i < 5; i++) zmb.push(await openTicket(agent, ticket(`Printer zqnewest jam ${i}`)));
    const uga = await openTicket(agent, { ...ticket("Printer zqnewest jam elsewhere"), site: "UGA" });
    async function walk(query: string): Promise<string[]> {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await agent.get(
          `/api/v1/tickets?q=zqnewest&limit=2${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        );
        expect(res.statusCode).toBe(200);
        const body = res.json();
        seen.push(...body.items.map((t: { key: string }) => t.key));
        cursor = body.nextCursor ?? null;
      } while (cursor);
      return seen;
    }
    expect(await walk("&site=ZMB")).toEqual([...zmb].reverse());
    expect(await walk("&sort=-created")).toEqual([uga, ...[...zmb].reverse()]);
    expect(await walk("&site=ZMB&status=closed")).toEqual([]);
    expect(await walk("&site=ZMB,UGA&status=new")).toEqual([uga, ...[...zmb].reverse()]);
  });
});
