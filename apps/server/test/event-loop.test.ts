import { randomBytes } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { MailboxRow } from "../src/modules/channels/email/email.repository.js";
import { AppError } from "../src/shared/errors.js";
import { type Client, createHarness, type Harness, openTicket } from "./harness.js";

/**
 * The event-loop guard: for every transformation of text someone outside can send (article Markdown
 * in the preview and on save, revision diffs, ticket replies, mail bodies, iCalendar files, deeply
 * nested JSON, long search queries), the worst inputs we know are sent while a tiny request goes to
 * /healthz every few milliseconds. Each hostile request must end within a bound with a non-5xx answer,
 * and the tiny requests must keep being answered meanwhile. The bounds are safety nets for a busy
 * machine; the frozen server of the review took 30 s and more.
 */
const HOSTILE_BOUND_MS = 3_500;
const PROBE_BOUND_MS = 1_500;
const PROBE_EVERY_MS = 10;

let h: Harness;
let agent: Client;
let collectionId: number;
let mailbox: MailboxRow;

beforeAll(async () => {
  h = await createHarness();
  agent = await h.as("agent@demo.test");
  const admin = await h.as("hubadmin@demo.test");
  collectionId = (await admin.post("/api/v1/kb/collections", { slug: "guard", name: "Guard" })).json().id;
  const box = await admin.post("/api/v1/sites/ZMB/channels/email/mailboxes", {
    address: "support-guard@tierdesk.test",
    displayName: "Guard",
  });
  mailbox = (await h.ctx.email.repo.mailbox(box.json().id)) as MailboxRow;
});
afterAll(async () => h?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Outcome = { status: number; took: number; slowestProbe: number; probes: number };

/**
 * Runs the hostile call while probing /healthz; a probe's time counts from when it was due, so a
 * blocked event loop shows whether it held up the timer or the request.
 */
async function underProbe(hostile: () => Promise<number>): Promise<Outcome> {
  const started = performance.now();
  let finished = false;
  const result = hostile().finally(() => {
    finished = true;
  });
  let slowestProbe = 0;
  let probes = 0;
  do {
    const due = performance.now() + PROBE_EVERY_MS;
    await sleep(PROBE_EVERY_MS);
    const res = await h.app.inject({ method: "GET", url: "/healthz" });
    expect(res.statusCode).toBe(200);
    slowestProbe = Math.max(slowestProbe, performance.now() - due);
    probes++;
  } while (!finished);
  const status = await result;
  return { status, took: performance.now() - started, slowestProbe, probes };
}

/** The hostile request ended in time, without a server error, and the server answered meanwhile. */
function expectGuarded(o: Outcome, allowed: number[]) {
  expect(o.status, JSON.stringify(o)).toBeLessThan(500);
  expect(allowed, JSON.stringify(o)).toContain(o.status);
  expect(o.took, JSON.stringify(o)).toBeLessThan(HOSTILE_BOUND_MS);
  expect(o.slowestProbe, JSON.stringify(o)).toBeLessThan(PROBE_BOUND_MS);
  expect(o.probes).toBeGreaterThan(0);
}

const status = (send: Promise<LightMyRequestResponse>) => send.then((r) => r.statusCode);

/** The worst Markdown we know, each about as long as an article may be (500,000 characters). */
const N = 500_000;
const hostileMarkdown: Array<[string, string]> = [
  ["unclosed HTML comments", "<!--".repeat(N / 4)],
  ["opening brackets", "[".repeat(N)],
  ["image openers", "![".repeat(N / 2)],
  ["link openers", "[a](".repeat(N / 4)],
  ["asterisks", "*".repeat(N)],
  ["underscores", "_".repeat(N)],
  ["emphasis openers", "*a ".repeat(N / 3)],
  ["backticks", "`".repeat(N)],
  ["backtick openers", "`a".repeat(N / 2)],
  ["nested quote marks", `${"> ".repeat(N / 2 - 1)}x`],
  ["one run of spaces", `a${" ".repeat(N - 2)}b`],
  ["one run of tabs", `a${"\t".repeat(N - 2)}b`],
  ["one huge line of words", "word ".repeat(N / 5)],
  ["deeply nested lists", Array.from({ length: 700 }, (_, i) => `${"  ".repeat(i)}- x`).join("\n")],
  [
    "nested quotes and lists",
    Array.from({ length: 7_000 }, (_, i) => `${"> ".repeat(i % 60)}- x`).join("\n"),
  ],
  ["unclosed tags", "<div><a ".repeat(N / 8)],
  ["lone angle brackets", "<".repeat(N)],
  ["entity openers", "&#".repeat(N / 2)],
  ["a huge table", `|a|b|\n|-|-|\n${"|x|y|\n".repeat((N - 12) / 6)}`],
  ["autolink openers", "<http://".repeat(N / 8)],
  ["CDATA openers", "a<![CDATA[".repeat(N / 10)],
  ["a mix of every opener", "*_`[<!&".repeat(N / 7)],
];

/**
 * Renders a long legitimate text first, so the render worker is running before anything is timed
 * (a text that ran out of time stopped the last one; starting one through tsx takes a while).
 */
async function warmRenderer() {
  const res = await agent.post("/api/v1/kb/preview", { body: "A plain paragraph of words. ".repeat(2_000) });
  expect(res.statusCode).toBe(200);
}

describe("article Markdown", () => {
  beforeEach(warmRenderer, 60_000);

  for (const [what, body] of hostileMarkdown) {
    it(`previewing ${what} ends in time while the server keeps answering`, async () => {
      const o = await underProbe(() => status(agent.post("/api/v1/kb/preview", { body })));
      expectGuarded(o, [200, 422]);
    });
  }

  for (const [what, body] of hostileMarkdown.filter(([w]) =>
    ["unclosed HTML comments", "image openers", "a huge table", "one run of spaces"].includes(w),
  )) {
    it(`saving an article of ${what} ends in time while the server keeps answering`, async () => {
      const o = await underProbe(() =>
        status(agent.post("/api/v1/kb/articles", { collectionId, title: `Guard ${what}`, body })),
      );
      expectGuarded(o, [201, 422]);
    });
  }

  it("a text past the size limit is refused at once, naming the field", async () => {
    const res = await agent.post("/api/v1/kb/preview", { body: "<!--".repeat(N / 4 + 1) });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual(["body"]);
  });

  it("comparing two long revisions that differ on every line ends in time while the server keeps answering", async () => {
    const lines = (tag: string) =>
      Array.from({ length: 40_000 }, (_, i) => `${tag} line ${i}`)
        .join("\n")
        .slice(0, N);
    const created = await agent.post("/api/v1/kb/articles", {
      collectionId,
      title: "Guard diff",
      body: lines("first"),
      status: "draft",
    });
    expect(created.statusCode, created.body.slice(0, 300)).toBe(201);
    const id = created.json().id as number;
    const changed = await agent.patch(`/api/v1/kb/articles/${id}`, { body: lines("second") });
    expect(changed.statusCode, changed.body.slice(0, 300)).toBe(200);
    const o = await underProbe(() => status(agent.get(`/api/v1/kb/articles/${id}/diff?from=1&to=2`)));
    expectGuarded(o, [200, 422]);
  });
});

describe("ticket replies", () => {
  let key: string;
  beforeAll(async () => {
    key = await openTicket(agent, {
      site: "ZMB",
      subject: "Guarded ticket",
      description: "A ticket to reply to.",
      requester: { name: "Guard Requester", email: "guard.requester@example.org" },
    });
  });
  const M = 50_000;
  const replies: Array<[string, string]> = [
    ["unclosed comments", "<!--".repeat(M / 4)],
    ["one run of spaces", `a${" ".repeat(M - 2)}b`],
    ["quoted lines", `${">\n".repeat(M / 2 - 1)}x`],
    ["opening brackets", "[".repeat(M)],
    ["template placeholders", "{link}{reply}".repeat(M / 13)],
    ["one long word", "a".repeat(M)],
  ];
  for (const [what, body] of replies) {
    it(`a reply of ${what} ends in time while the server keeps answering`, async () => {
      const o = await underProbe(() => status(agent.post(`/api/v1/tickets/${key}/messages`, { body })));
      expectGuarded(o, [201]);
    });
  }
});

describe("mail bodies, read through the mail service", () => {
  const address = `guard.mailer+${randomBytes(3).toString("hex")}@example.org`;
  let key: string;

  /** A raw mail with one body part of this type (8-bit, CRLF line ends). */
  const mail = (subject: string, type: "plain" | "html", body: string) =>
    Buffer.from(
      [
        `From: Guard Mailer <${address}>`,
        `To: ${mailbox.address}`,
        `Subject: ${subject}`,
        `Message-ID: <${randomBytes(8).toString("hex")}@example.org>`,
        "MIME-Version: 1.0",
        `Content-Type: text/${type}; charset=utf-8`,
        "Content-Transfer-Encoding: 8bit",
        "",
        body.replace(/\n/g, "\r\n"),
      ].join("\r\n"),
    );
  /** Takes a mail as the SMTP listener and mailbox readers do; a refusal is a 4xx, never a crash. */
  const take = async (raw: Buffer) => {
    try {
      const r = await h.ctx.email.inbound.take(mailbox, raw, null);
      if ("ticketKey" in r && r.ticketKey) key ??= r.ticketKey;
      return 200;
    } catch (e) {
      if (e instanceof AppError && e.status < 500) return e.status;
      throw e;
    }
  };

  beforeAll(async () => {
    await take(mail("Printer offline at the district office", "plain", "It does not print."));
    expect(key).toBeTruthy();
  });

  const M = 1_000_000;
  const htmls: Array<[string, string]> = [
    ["unclosed style elements", "<style>".repeat(M / 7)],
    ["unclosed links", '<a href="https://x.example/">'.repeat(M / 29)],
    ["a run of spaces", `<p>a${" ".repeat(M)}b</p>`],
    ["unclosed rules", "<hr ".repeat(M / 4)],
    ["unclosed comments", "<!--".repeat(M / 4)],
    ["lone angle brackets", "<".repeat(M)],
    ["deeply nested blocks", `${"<div><blockquote>".repeat(M / 34)}x`],
  ];
  for (const [what, html] of htmls) {
    it(`a new mail whose HTML is ${what} is read in time while the server keeps answering`, async () => {
      const o = await underProbe(() => take(mail(`Guard ${what}`, "html", html)));
      expectGuarded(o, [200]);
    });
  }

  const replies: Array<[string, string]> = [
    ["quoted lines", `New text\n${">\n".repeat(M / 4)}x`],
    ["an attribution-like line with a run of spaces", `New text\nLe a écrit${" ".repeat(M / 2)}x\n> old`],
    ["dashes", `New text\n${"-".repeat(M / 2)}`],
    ["one huge line", `New text ${"word ".repeat(M / 5)}`],
  ];
  for (const [what, text] of replies) {
    it(`a reply mail of ${what} is trimmed in time while the server keeps answering`, async () => {
      const o = await underProbe(() => take(mail(`Re: Printer offline [${key}]`, "plain", text)));
      expectGuarded(o, [200]);
    });
  }
});

describe("iCalendar holiday files", () => {
  const ics = (events: string[][]) =>
    [
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "PRODID:-//Tierdesk//guard//EN",
      ...events.flatMap((lines) => ["BEGIN:VEVENT", ...lines, "END:VEVENT"]),
      "END:VCALENDAR",
      "",
    ].join("\r\n");
  const files: Array<[string, string]> = [
    [
      "fifty daily repeating events from 1990",
      ics(
        Array.from({ length: 50 }, (_, i) => [
          `UID:d${i}`,
          "DTSTART;VALUE=DATE:19900101",
          "RRULE:FREQ=DAILY",
        ]),
      ),
    ],
    [
      "an event repeating every second",
      ics([["UID:s", "DTSTART;VALUE=DATE:20260101", "RRULE:FREQ=SECONDLY"]]),
    ],
    [
      "many weekly events from 1900",
      ics(
        Array.from({ length: 50 }, (_, i) => [
          `UID:w${i}`,
          "DTSTART;VALUE=DATE:19000101",
          "RRULE:FREQ=WEEKLY",
        ]),
      ),
    ],
    [
      "a megabyte of old one-day events",
      ics(
        Array.from({ length: 13_000 }, (_, i) => [`UID:o${i}`, "DTSTART;VALUE=DATE:19500101", "SUMMARY:x"]),
      ),
    ],
  ];
  for (const [what, text] of files) {
    it(`importing ${what} ends in time while the server keeps answering`, async () => {
      const admin = await h.as("hubadmin@demo.test");
      const o = await underProbe(() =>
        status(
          admin.request("POST", "/api/v1/sites/ZMB/calendar/holidays/import", text, {
            "content-type": "text/calendar",
          }),
        ),
      );
      expectGuarded(o, [200, 413, 422]);
    });
  }
});

describe("deeply nested JSON", () => {
  for (const depth of [8_000, 500_000]) {
    it(`anonymous sign-in with JSON nested ${depth} deep ends in time while the server keeps answering`, async () => {
      const body = `{"email": ${"[".repeat(depth)}${"]".repeat(depth)}, "password": "x"}`;
      const o = await underProbe(() => status(h.anonymous().post("/api/v1/auth/login", body)));
      expectGuarded(o, [400, 413]);
    });
  }
});

describe("long search queries", () => {
  const kbQueries: Array<[string, string]> = [
    ["many short words", "a ".repeat(150)],
    [
      "many distinct words",
      Array.from({ length: 60 }, (_, i) => `word${i}`)
        .join(" ")
        .slice(0, 300),
    ],
    ["asterisks", "*".repeat(300)],
    ["accented letters", "é".repeat(300)],
    ["comment openers", "<!--".repeat(75)],
    ["almost-synonyms", "passwrd lgin certficate prnt ".repeat(10)],
  ];
  for (const [what, q] of kbQueries) {
    it(`a knowledge-base search of ${what} ends in time while the server keeps answering`, async () => {
      const o = await underProbe(() => status(agent.get(`/api/v1/kb/search?q=${encodeURIComponent(q)}`)));
      expectGuarded(o, [200]);
    });
  }

  const ticketQueries: Array<[string, string]> = [
    ["many short words", "a ".repeat(100)],
    ["percent signs", "%".repeat(200)],
    ["underscores", "_".repeat(200)],
    ["backslashes", "\\".repeat(200)],
    ["accented letters", "é".repeat(200)],
  ];
  for (const [what, q] of ticketQueries) {
    it(`a ticket search of ${what} ends in time while the server keeps answering`, async () => {
      const o = await underProbe(() => status(agent.get(`/api/v1/tickets?q=${encodeURIComponent(q)}`)));
      expectGuarded(o, [200]);
    });
  }

  it("suggestions for a request being written, from its 20,000-character description, end in time", async () => {
    for (const description of [
      "<script>".repeat(2_500),
      "a ".repeat(10_000),
      "passwrd lgin ".repeat(1_500),
    ]) {
      const o = await underProbe(() =>
        status(agent.post("/api/v1/kb/suggest", { subject: "x ".repeat(150), description, site: "ZMB" })),
      );
      expectGuarded(o, [200]);
    }
    const o = await underProbe(() =>
      status(h.anonymous().get(`/api/v1/portal/suggestions?q=${encodeURIComponent("<script>".repeat(37))}`)),
    );
    expectGuarded(o, [200]);
  });

  it("a chatbot question of 2,000 characters ends in time while the server keeps answering", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    for (const question of ["a ".repeat(1_000), Array.from({ length: 300 }, (_, i) => `w${i}`).join(" ")]) {
      const o = await underProbe(() =>
        status(
          requester.post("/api/v1/chatbot/conversations", {
            site: "ZMB",
            question: question.slice(0, 2_000),
          }),
        ),
      );
      expectGuarded(o, [201, 422]);
    }
  });
});
