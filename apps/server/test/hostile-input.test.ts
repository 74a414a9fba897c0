import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createHarness, type Harness, openTicket } from "./harness.js";

let h: Harness;
let zmbKey: string;

beforeAll(async () => {
  h = await createHarness();
  zmbKey = await openTicket(await h.as("agent@demo.test"), {
    site: "ZMB",
    subject: "Printer offline",
    description: "The certificate printer at the district office does not respond.",
    requester: { name: "Ireen Banda", email: "ireen.banda@example.org" },
  });
});
afterAll(async () => h?.close());

/** Checks that a response is a problem+json of this status and code, and returns its body. */
function expectProblem(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body.slice(0, 300)).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const body = res.json() as { code: string; status: number; errors?: Array<{ field: string }> };
  expect(body.code).toBe(code);
  expect(body.status).toBe(status);
  return body;
}

const count = async (table: "tickets" | "ticket_messages" | "attachments" | "sessions") =>
  Number(
    (
      await h.ctx.database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** JSON text nested `depth` levels deep: arrays inside arrays around one string. */
const nested = (depth: number) => `${"[".repeat(depth)}"x"${"]".repeat(depth)}`;

describe("deeply nested JSON", () => {
  it("anonymous sign-in with a value nested 8,000 deep is refused as too deep, not a server error", async () => {
    const before = await count("sessions");
    const res = await h
      .anonymous()
      .post("/api/v1/auth/login", `{"email": ${nested(8000)}, "password": "demo1234"}`);
    const problem = expectProblem(res, 400, "request.too_deep");
    expect(problem.errors?.map((e) => e.field)).toEqual(["(body)"]);
    expect(await count("sessions")).toBe(before);
  });

  it("a ticket with objects nested 8,000 deep in a field is refused as too deep and nothing is written", async () => {
    const agent = await h.as("agent@demo.test");
    const [tickets, messages] = [await count("tickets"), await count("ticket_messages")];
    const deep = `${'{"a":'.repeat(8000)}1${"}".repeat(8000)}`;
    const res = await agent.post(
      "/api/v1/tickets",
      `{"site":"ZMB","subject":"Deep","description":"d","requester":{"name":"N","email":"n@example.org"},"product":${deep}}`,
    );
    expectProblem(res, 400, "request.too_deep");
    expect([await count("tickets"), await count("ticket_messages")]).toEqual([tickets, messages]);
  });

  it("nesting beyond 64 levels is refused while 64 levels still reach the usual validation", async () => {
    const agent = await h.as("agent@demo.test");
    const at = (depth: number) =>
      agent.post(`/api/v1/tickets/${zmbKey}/messages`, `{"body": ${nested(depth - 1)}}`);
    expectProblem(await at(65), 400, "request.too_deep");
    const ok = expectProblem(await at(64), 400, "request.invalid");
    expect(ok.errors?.map((e) => e.field)).toEqual(["body"]);
  });

  it("brackets inside strings do not count as nesting", async () => {
    const agent = await h.as("agent@demo.test");
    const before = await count("ticket_messages");
    const res = await agent.post(`/api/v1/tickets/${zmbKey}/messages`, {
      body: `Log excerpt: ${"[{".repeat(500)} \\" ${"}]".repeat(500)}`,
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
    expect(await count("ticket_messages")).toBe(before + 1);
  });
});

/** A multipart body cut off in the middle of a file: no closing boundary, the connection just ends. */
function truncatedUpload(client: Client, url: string) {
  const boundary = "----tierdeskTruncated";
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="notes.txt"\r\nContent-Type: text/plain\r\n\r\n`,
    ),
    Buffer.from("The first half of a log file that never finishes ".repeat(200)),
  ]);
  return client.request("POST", url, body, { "content-type": `multipart/form-data; boundary=${boundary}` });
}

/** Every file under the data folder's attachments/ and tmp/ (where uploads are staged). */
const storedFiles = (): string[] =>
  ["attachments", "tmp"].flatMap((dir) => {
    const root = path.join(h.config.dataDir, dir);
    return existsSync(root)
      ? (
          readdirSync(root, { recursive: true, withFileTypes: true }) as Array<{
            isFile(): boolean;
            name: string;
          }>
        )
          .filter((e) => e.isFile())
          .map((e) => e.name)
      : [];
  });

describe("truncated multipart uploads", () => {
  it("a staff upload cut off mid-file answers 400, stores nothing and leaves no temporary file", async () => {
    const agent = await h.as("agent@demo.test");
    const [rows, files] = [await count("attachments"), storedFiles()];
    const res = await truncatedUpload(agent, `/api/v1/tickets/${zmbKey}/attachments`);
    expectProblem(res, 400, "request.malformed_multipart");
    expect(await count("attachments")).toBe(rows);
    expect(storedFiles()).toEqual(files);
  });

  it("an anonymous web-form upload cut off mid-file answers 400, stores nothing and leaves no temporary file", async () => {
    const [rows, files] = [await count("attachments"), storedFiles()];
    const res = await truncatedUpload(h.anonymous(), "/api/v1/portal/uploads");
    expectProblem(res, 400, "request.malformed_multipart");
    expect(await count("attachments")).toBe(rows);
    expect(storedFiles()).toEqual(files);
  });

  it("an upload cut off inside its part headers, or after one whole file, answers 400 and stores nothing", async () => {
    const agent = await h.as("agent@demo.test");
    const boundary = "----tierdeskCut";
    const whole = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nall of it\r\n`;
    for (const body of [
      `--${boundary}\r\nContent-Disposition: form-da`,
      `${whole}--${boundary}\r\nContent-Dispo`,
    ]) {
      const [rows, files] = [await count("attachments"), storedFiles()];
      const res = await agent.request("POST", `/api/v1/tickets/${zmbKey}/attachments`, body, {
        "content-type": `multipart/form-data; boundary=${boundary}`,
      });
      expectProblem(res, 400, "request.malformed_multipart");
      expect(await count("attachments")).toBe(rows);
      expect(storedFiles()).toEqual(files);
    }
  });

  it("a complete upload after a truncated one still works", async () => {
    const agent = await h.as("agent@demo.test");
    await truncatedUpload(agent, `/api/v1/tickets/${zmbKey}/attachments`);
    const res = await agent.upload(`/api/v1/tickets/${zmbKey}/attachments`, [
      { name: "notes.txt", content: Buffer.from("a whole file\n"), type: "text/plain" },
    ]);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
  });
});

/** Lines joined with CRLF as RFC 5545 wants; each event is a list of property lines. */
const ics = (...events: string[][]) =>
  [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Tierdesk//hostile test//EN",
    ...events.flatMap((lines) => ["BEGIN:VEVENT", ...lines, "END:VEVENT"]),
    "END:VCALENDAR",
    "",
  ].join("\r\n");

describe("iCalendar holiday imports", () => {
  const importIcs = async (text: string) =>
    (await h.as("hubadmin@demo.test")).request("POST", "/api/v1/sites/ZMB/calendar/holidays/import", text, {
      "content-type": "text/calendar",
    });
  const holidays = async () =>
    (await (await h.as("hubadmin@demo.test")).get("/api/v1/sites/ZMB/calendar")).json().holidays as unknown[];
  const thisYear = new Date().getUTCFullYear();

  it("a holiday repeating every second is refused with 422 and the calendar is unchanged", async () => {
    const before = await holidays();
    for (const freq of ["SECONDLY", "MINUTELY", "HOURLY"]) {
      const res = await importIcs(
        ics(["UID:tick", `DTSTART;VALUE=DATE:${thisYear}0101`, `RRULE:FREQ=${freq}`, "SUMMARY:Tick"]),
      );
      const problem = expectProblem(res, 422, "calendar.ics_too_frequent");
      expect(problem.errors?.map((e) => e.field)).toEqual(["body"]);
    }
    expect(await holidays()).toEqual(before);
  });

  it("fifty daily repeating holidays are refused quickly as too many, and the calendar is unchanged", async () => {
    const before = await holidays();
    const daily = Array.from({ length: 50 }, (_, i) => [
      `UID:daily-${i}`,
      "DTSTART;VALUE=DATE:19900101",
      "RRULE:FREQ=DAILY",
      `SUMMARY:Every day ${i}`,
    ]);
    const started = performance.now();
    const res = await importIcs(ics(...daily));
    expect(performance.now() - started).toBeLessThan(2_000);
    expectProblem(res, 422, "calendar.ics_too_many");
    expect(await holidays()).toEqual(before);
  });

  it("a holiday every day from this year on is refused as too many rather than filling the calendar", async () => {
    const before = await holidays();
    const res = await importIcs(
      ics(["UID:always", `DTSTART;VALUE=DATE:${thisYear}0101`, "RRULE:FREQ=DAILY", "SUMMARY:Always"]),
    );
    expectProblem(res, 422, "calendar.ics_too_many");
    expect(await holidays()).toEqual(before);
  });

  it("yearly public holidays are imported for the coming two years only", async () => {
    const res = await importIcs(
      ics(
        ["UID:independence", "DTSTART;VALUE=DATE:19641024", "RRULE:FREQ=YEARLY", "SUMMARY:Independence Day"],
        ["UID:youth", "DTSTART;VALUE=DATE:19660312", "RRULE:FREQ=YEARLY", "SUMMARY:Youth Day"],
      ),
    );
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    const dates = (res.json().calendar.holidays as Array<{ date: string; name?: string }>)
      .filter((x) => x.name === "Independence Day")
      .map((x) => x.date);
    expect(dates.length).toBeGreaterThanOrEqual(2);
    const horizon = new Date(Date.now() + 2 * 366 * 86_400_000).toISOString().slice(0, 10);
    expect(dates.every((d) => d <= horizon)).toBe(true);
    expect(dates).toContain(`${thisYear + 1}-10-24`);
  });
});
