import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, createHarness, type Harness, openTicket, testDatabase } from "../../../test/harness.js";
import { buildApp } from "../../app/app.js";
import { createContext } from "../../app/context.js";
import type { App } from "../../app/http.js";
import { SCOPES } from "../../shared/actor.js";
import { DEMO_PASSWORD } from "../demo/demo.data.js";
import { loadDemo } from "../demo/demo.seed.js";

// A real 1x1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);
const PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
);
const TXT = Buffer.from("Sync log from the Kafue tablet\nstuck at 43 records — “pending”\n");
const CSV = Buffer.from("district,pending\nKafue,43\nChilenje,0\n");

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const blobPath = (dataDir: string, sha: string) =>
  path.join(dataDir, "attachments", sha.slice(0, 2), sha.slice(2, 4), sha);

/** Every file under a folder, as paths relative to it (none if it does not exist). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => statSync(path.join(dir, f)).isFile())
    .sort();
}

type ProblemBody = { code: string; status: number; errors?: Array<{ field: string }> };
function expectProblem(res: LightMyRequestResponse, status: number, code: string): ProblemBody {
  expect(res.statusCode).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const body = res.json() as ProblemBody;
  expect(body.code).toBe(code);
  return body;
}

type AttachmentJson = {
  id: number;
  filename: string;
  contentType: string;
  size: number;
  visibility: "public" | "internal";
  messageId: number | null;
  url: string;
};

let h: Harness;
const ticketFor = {
  site: "ZMB",
  subject: "Sync stuck",
  description: "Tablet does not sync.",
  requester: { email: "joseph.tembo@example.org" },
};

async function attachmentRows(key?: string) {
  let q = h.ctx.database.db
    .selectFrom("attachments")
    .innerJoin("tickets", "tickets.id", "attachments.ticket_id")
    .selectAll("attachments");
  if (key) q = q.where("tickets.key", "=", key);
  return q.orderBy("attachments.id").execute();
}

async function counts() {
  const db = h.ctx.database.db;
  const n = async (table: "attachments" | "ticket_events" | "ticket_messages") =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    attachments: await n("attachments"),
    events: await n("ticket_events"),
    messages: await n("ticket_messages"),
  };
}

/** Sends an upload that must be refused and checks that nothing was recorded and no temporary file is left. */
async function refusedUpload(send: () => Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse> {
  const before = await counts();
  const res = await send();
  expect(await counts()).toEqual(before);
  expect(filesUnder(path.join(h.config.dataDir, "tmp"))).toEqual([]);
  return res;
}

beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

describe("storing attachments", () => {
  it("a PNG, a PDF, a text file and a CSV are stored under the data folder by their SHA-256", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await openTicket(agent, ticketFor);
    const files = [
      { name: "screen.png", content: PNG, type: "image/png", expected: "image/png" },
      { name: "manual.pdf", content: PDF, type: "application/pdf", expected: "application/pdf" },
      { name: "sync.txt", content: TXT, type: "text/plain", expected: "text/plain" },
      { name: "pending.csv", content: CSV, type: "text/csv", expected: "text/csv" },
    ];
    const res = await agent.upload(`/api/v1/tickets/${key}/attachments`, files);
    expect(res.statusCode).toBe(201);
    const items = res.json().items as AttachmentJson[];
    expect(items.map((a) => [a.filename, a.contentType, a.size])).toEqual(
      files.map((f) => [f.name, f.expected, f.content.length]),
    );

    const rows = await attachmentRows(key);
    expect(rows).toHaveLength(4);
    for (const [i, f] of files.entries()) {
      const sha = sha256(f.content);
      expect(rows[i]?.sha256).toBe(sha);
      const file = blobPath(h.config.dataDir, sha);
      expect(existsSync(file)).toBe(true);
      const onDisk = readFileSync(file);
      expect(sha256(onDisk)).toBe(sha);
      expect(onDisk.equals(f.content)).toBe(true);
    }
  });

  it("downloads return identical bytes with the right type, disposition and nosniff", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await openTicket(agent, ticketFor);
    const files = [
      { name: "screen.png", content: PNG, type: "image/png", disposition: "inline" },
      { name: "manual.pdf", content: PDF, type: "application/pdf", disposition: "attachment" },
      { name: "sync log.txt", content: TXT, type: "text/plain", disposition: "attachment" },
      { name: "pending.csv", content: CSV, type: "text/csv", disposition: "attachment" },
    ];
    const items = (await agent.upload(`/api/v1/tickets/${key}/attachments`, files)).json()
      .items as AttachmentJson[];
    for (const [i, f] of files.entries()) {
      const res = await agent.get((items[i] as AttachmentJson).url);
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.equals(f.content)).toBe(true);
      expect(res.headers["content-type"]).toMatch(new RegExp(`^${f.type.replace("/", "\\/")}`));
      expect(res.headers["content-length"]).toBe(String(f.content.length));
      expect(res.headers["content-disposition"]).toBe(
        `${f.disposition}; filename*=UTF-8''${encodeURIComponent(f.name)}`,
      );
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["content-security-policy"]).toContain("sandbox");
    }
  });

  it("uploading the same content twice keeps one file on disk", async () => {
    const agent = await h.as("agent@demo.test");
    const first = await openTicket(agent, ticketFor);
    const second = await openTicket(agent, ticketFor);
    const content = Buffer.from(`the same log, uploaded twice ${Date.now()}\n`);
    expect(
      (await agent.upload(`/api/v1/tickets/${first}/attachments`, [{ name: "a.log", content }])).statusCode,
    ).toBe(201);
    const blobs = filesUnder(path.join(h.config.dataDir, "attachments"));
    expect(
      (await agent.upload(`/api/v1/tickets/${second}/attachments`, [{ name: "b.log", content }])).statusCode,
    ).toBe(201);
    expect(filesUnder(path.join(h.config.dataDir, "attachments"))).toEqual(blobs);
    const [a] = await attachmentRows(first);
    const [b] = await attachmentRows(second);
    expect(a?.sha256).toBe(sha256(content));
    expect(b?.sha256).toBe(a?.sha256);
    expect(b?.id).not.toBe(a?.id);
    const download = await agent.get(`/api/v1/tickets/${second}/attachments/${b?.id}`);
    expect(download.rawPayload.equals(content)).toBe(true);
  });

  it("a file name carrying a path is stored under a safe name", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await openTicket(agent, ticketFor);
    const res = await agent.upload(`/api/v1/tickets/${key}/attachments`, [
      { name: "../../etc/passwd.txt", content: Buffer.from("root:x:0:0\n") },
      { name: "..\\..\\windows\\report<1>.txt", content: Buffer.from("report\n") },
    ]);
    expect(res.statusCode).toBe(201);
    const names = (res.json().items as AttachmentJson[]).map((a) => a.filename);
    expect(names[0]).toBe("passwd.txt");
    for (const n of names) {
      expect(n).not.toMatch(/[\\/<>]/);
      expect(n).not.toContain("..");
    }
    for (const f of filesUnder(path.join(h.config.dataDir, "attachments")))
      expect(path.basename(f)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("an HTML page named .txt is kept only as plain text and served inert", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await openTicket(agent, ticketFor);
    const html = Buffer.from("<html><body><script>alert(1)</script></body></html>\n");
    const res = await agent.upload(`/api/v1/tickets/${key}/attachments`, [
      { name: "notes.txt", content: html, type: "text/html" },
    ]);
    expect(res.statusCode).toBe(201);
    const [item] = res.json().items as AttachmentJson[];
    expect(item?.contentType).toBe("text/plain");
    const download = await agent.get(item?.url ?? "");
    expect(download.headers["content-type"]).toMatch(/^text\/plain/);
    expect(download.headers["content-disposition"]).toMatch(/^attachment;/);
    expect(download.headers["x-content-type-options"]).toBe("nosniff");
    expect(download.headers["content-security-policy"]).toBe(
      "default-src 'none'; sandbox; frame-ancestors 'none'",
    );
  });
});

describe("refusing attachments", () => {
  const refused: Array<[string, string, Buffer]> = [
    [
      "an HTML page",
      "page.html",
      Buffer.from("<!doctype html><html><body><script>alert(1)</script></body></html>"),
    ],
    [
      "an SVG image",
      "logo.svg",
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="1"/></svg>'),
    ],
    ["a Windows executable", "setup.exe", Buffer.concat([Buffer.from("MZ"), Buffer.alloc(126, 0x90)])],
    ["an executable named .txt", "readme.txt", Buffer.concat([Buffer.from("MZ"), Buffer.alloc(126, 0x90)])],
    ["a text file with NUL bytes", "notes.txt", Buffer.from("first line\n\u0000\u0000binary\n")],
    [
      "a text file that is not UTF-8",
      "latin1.txt",
      Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xff, 0xfe, 0x0a]),
    ],
    ["an HTML page named .png", "photo.png", Buffer.from("<html><script>alert(1)</script></html>")],
  ];
  for (const [what, name, content] of refused) {
    it(`${what} is refused as an unsupported type and nothing is recorded`, async () => {
      const agent = await h.as("agent@demo.test");
      const key = await openTicket(agent, ticketFor);
      const blobs = filesUnder(path.join(h.config.dataDir, "attachments"));
      const res = await refusedUpload(() =>
        agent.upload(`/api/v1/tickets/${key}/attachments`, [{ name, content }]),
      );
      const problem = expectProblem(res, 415, "attachment.unsupported_type");
      expect(problem.errors?.map((e) => e.field)).toEqual(["file"]);
      expect(filesUnder(path.join(h.config.dataDir, "attachments"))).toEqual(blobs);
      expect(existsSync(blobPath(h.config.dataDir, sha256(content)))).toBe(false);
    });
  }

  it("an empty file is refused as unprocessable", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await openTicket(agent, ticketFor);
    const res = await refusedUpload(() =>
      agent.upload(`/api/v1/tickets/${key}/attachments`, [{ name: "empty.txt", content: Buffer.alloc(0) }]),
    );
    expectProblem(res, 422, "attachment.empty");
  });

  it("an upload whose second file is refused records neither file", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await openTicket(agent, ticketFor);
    const fresh = Buffer.concat([PNG, Buffer.from(`unique ${key}`)]);
    const res = await refusedUpload(() =>
      agent.upload(`/api/v1/tickets/${key}/attachments`, [
        { name: "fine.png", content: fresh },
        { name: "evil.html", content: Buffer.from("<html><script>alert(1)</script></html>") },
      ]),
    );
    expectProblem(res, 415, "attachment.unsupported_type");
    expect(await attachmentRows(key)).toEqual([]);
    // The good first file was not filed either: no stray copy, nothing left in tmp/.
    expect(existsSync(blobPath(h.config.dataDir, sha256(fresh)))).toBe(false);
    expect(filesUnder(path.join(h.config.dataDir, "tmp"))).toEqual([]);
    expect((await agent.get(`/api/v1/tickets/${key}/attachments`)).json().items).toEqual([]);
  });

  it("more files than allowed in one upload are refused and none recorded", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await openTicket(agent, ticketFor);
    const files = Array.from({ length: 11 }, (_, i) => ({
      name: `part-${i}.txt`,
      content: Buffer.from(`part ${i}\n`),
    }));
    const res = await refusedUpload(() => agent.upload(`/api/v1/tickets/${key}/attachments`, files));
    expectProblem(res, 413, "attachment.too_many");
    expect(await attachmentRows(key)).toEqual([]);
  });

  it("an upload without any file, or not as multipart, is refused", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await openTicket(agent, ticketFor);
    const none = await refusedUpload(() => agent.upload(`/api/v1/tickets/${key}/attachments`, []));
    expectProblem(none, 400, "attachment.missing");
    const json = await refusedUpload(() => agent.post(`/api/v1/tickets/${key}/attachments`, { file: "x" }));
    expectProblem(json, 400, "attachment.not_multipart");
  });

  it("an unknown visibility in the upload query is refused", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await openTicket(agent, ticketFor);
    const res = await refusedUpload(() =>
      agent.upload(`/api/v1/tickets/${key}/attachments?visibility=everyone`, [
        { name: "a.txt", content: TXT },
      ]),
    );
    expectProblem(res, 400, "request.invalid");
  });
});

describe("attachments over the size limit", () => {
  const MAX = 4096;
  let app: App;
  let dataDir: string;
  let close: () => Promise<void>;
  let db: Harness["ctx"]["database"]["db"];

  beforeAll(async () => {
    const { database, config, cleanup } = await testDatabase();
    const small = { ...config, attachmentMaxBytes: MAX };
    await loadDemo(small, database);
    app = await buildApp(createContext(small, database), { logger: false });
    await app.ready();
    dataDir = small.dataDir;
    db = database.db;
    close = async () => {
      await app.close();
      await cleanup();
    };
  });
  afterAll(async () => close?.());

  async function signedIn() {
    const client = new Client(app);
    expect((await client.login("agent@demo.test", DEMO_PASSWORD)).statusCode).toBe(200);
    return client;
  }
  const rowCount = async () =>
    Number(
      (
        await db
          .selectFrom("attachments")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("a file one byte over the limit is refused with 413, recorded nowhere and not left on disk", async () => {
    const agent = await signedIn();
    const key = await openTicket(agent, ticketFor);
    const before = await rowCount();
    const content = Buffer.alloc(MAX + 1, "a");
    const res = await agent.upload(`/api/v1/tickets/${key}/attachments`, [{ name: "big.txt", content }]);
    expectProblem(res, 413, "attachment.too_large");
    expect(await rowCount()).toBe(before);
    expect(filesUnder(path.join(dataDir, "tmp"))).toEqual([]);
    expect(existsSync(blobPath(dataDir, sha256(content)))).toBe(false);
  });

  it("a much larger file is refused the same way", async () => {
    const agent = await signedIn();
    const key = await openTicket(agent, ticketFor);
    const before = await rowCount();
    const res = await agent.upload(`/api/v1/tickets/${key}/attachments`, [
      { name: "small.txt", content: Buffer.from("fine\n") },
      { name: "huge.png", content: Buffer.concat([PNG, Buffer.alloc(MAX * 20)]) },
    ]);
    expectProblem(res, 413, "attachment.too_large");
    expect(await rowCount()).toBe(before);
    expect(filesUnder(path.join(dataDir, "tmp"))).toEqual([]);
  });

  it("a file of exactly the limit is accepted", async () => {
    const agent = await signedIn();
    const key = await openTicket(agent, ticketFor);
    const content = Buffer.alloc(MAX, "b");
    const res = await agent.upload(`/api/v1/tickets/${key}/attachments`, [{ name: "edge.txt", content }]);
    expect(res.statusCode).toBe(201);
    expect(res.json().items[0].size).toBe(MAX);
    expect(readFileSync(blobPath(dataDir, sha256(content))).equals(content)).toBe(true);
  });
});

describe("who may see attachments", () => {
  it("a requester's upload is public and the requester can list and download it", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    const key = await openTicket(requester, {
      site: "ZMB",
      subject: "Screenshot of the error",
      description: "See attached.",
    });
    const res = await requester.upload(`/api/v1/tickets/${key}/attachments?visibility=internal`, [
      { name: "error.png", content: PNG },
    ]);
    expect(res.statusCode).toBe(201);
    const [item] = res.json().items as AttachmentJson[];
    expect(item?.visibility).toBe("public");
    const listed = (await requester.get(`/api/v1/tickets/${key}/attachments`)).json()
      .items as AttachmentJson[];
    expect(listed.map((a) => a.id)).toEqual([item?.id]);
    expect((await requester.get(item?.url ?? "")).rawPayload.equals(PNG)).toBe(true);
  });

  it("a staff upload is internal by default and hidden from the requester", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    const agent = await h.as("agent@demo.test");
    const key = await openTicket(requester, {
      site: "ZMB",
      subject: "Which form do I use?",
      description: "For late registration.",
    });
    const upload = await agent.upload(`/api/v1/tickets/${key}/attachments`, [
      { name: "form.pdf", content: PDF },
    ]);
    expect(upload.statusCode).toBe(201);
    const [item] = upload.json().items as AttachmentJson[];
    expect(item?.visibility).toBe("internal");
    expect(item?.messageId).toBeNull();

    expect((await agent.get(`/api/v1/tickets/${key}/attachments`)).json().items).toHaveLength(1);
    expect((await agent.get(item?.url ?? "")).statusCode).toBe(200);
    expect((await requester.get(`/api/v1/tickets/${key}/attachments`)).json().items).toEqual([]);
    expectProblem(await requester.get(item?.url ?? ""), 404, "attachment.not_found");
  });

  it("a file staff upload as public goes out with their reply and the requester can download it", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    const agent = await h.as("agent@demo.test");
    const key = await openTicket(requester, {
      site: "ZMB",
      subject: "Which form do I use?",
      description: "For late registration.",
    });
    const [item] = (
      await agent.upload(`/api/v1/tickets/${key}/attachments?visibility=public`, [
        { name: "form.pdf", content: PDF },
      ])
    ).json().items as AttachmentJson[];
    expect(item?.visibility).toBe("public");

    const reply = await agent.post(`/api/v1/tickets/${key}/messages`, {
      body: "Please use the attached form.",
      attachmentIds: [item?.id],
    });
    expect(reply.statusCode).toBe(201);
    expect(reply.json().attachments).toMatchObject([{ id: item?.id, visibility: "public" }]);

    const listed = (await requester.get(`/api/v1/tickets/${key}/attachments`)).json()
      .items as AttachmentJson[];
    expect(listed).toMatchObject([{ id: item?.id, visibility: "public", messageId: reply.json().id }]);
    const download = await requester.get(item?.url ?? "");
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(PDF)).toBe(true);
    const thread = (await requester.get(`/api/v1/tickets/${key}/messages`)).json().items;
    expect(thread.at(-1).attachments.map((a: AttachmentJson) => a.id)).toEqual([item?.id]);
  });

  it("a public reply cannot carry a staff-only file, even its uploader's, and nothing is written", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    const key = await openTicket(requester, {
      site: "ZMB",
      subject: "Duplicate birth record",
      description: "Two records for one child.",
    });
    const coordinator = await h.as("coordinator@demo.test");
    const agent = await h.as("agent@demo.test");
    // Dossier evidence is uploaded like this: internal, in no message.
    const [evidence] = (
      await coordinator.upload(`/api/v1/tickets/${key}/attachments?visibility=internal`, [
        { name: "registry-extract.csv", content: CSV },
      ])
    ).json().items as AttachmentJson[];
    const [own] = (
      await agent.upload(`/api/v1/tickets/${key}/attachments`, [{ name: "own.txt", content: TXT }])
    ).json().items as AttachmentJson[];
    const versionBefore = (await agent.get(`/api/v1/tickets/${key}`)).json().version;

    for (const id of [evidence?.id, own?.id]) {
      const before = await counts();
      const res = await agent.post(`/api/v1/tickets/${key}/messages`, {
        body: "Here is what we found.",
        attachmentIds: [id],
      });
      const problem = expectProblem(res, 422, "message.attachment_internal");
      expect(problem.errors?.map((e) => e.field)).toEqual(["attachmentIds"]);
      expect(await counts()).toEqual(before);
    }
    expect((await agent.get(`/api/v1/tickets/${key}`)).json().version).toBe(versionBefore);
    expect((await attachmentRows(key)).map((r) => [r.message_id, r.visibility])).toEqual([
      [null, "internal"],
      [null, "internal"],
    ]);
    expectProblem(await requester.get(evidence?.url ?? ""), 404, "attachment.not_found");

    const note = await agent.post(`/api/v1/tickets/${key}/messages`, {
      kind: "note",
      body: "Evidence for the vendor.",
      attachmentIds: [evidence?.id],
    });
    expect(note.statusCode).toBe(201);
    expect(note.json().attachments).toMatchObject([{ id: evidence?.id, visibility: "internal" }]);
  });

  it("a requester cannot link a staff-only file to their reply: refused, nothing written, the file still hidden", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    const agent = await h.as("agent@demo.test");
    const key = await openTicket(requester, {
      site: "ZMB",
      subject: "Certificate reprint",
      description: "The reprint fails.",
    });
    const [secret] = (
      await agent.upload(`/api/v1/tickets/${key}/attachments`, [{ name: "evidence.txt", content: TXT }])
    ).json().items as AttachmentJson[];
    expect(secret?.visibility).toBe("internal");
    const versionBefore = (await agent.get(`/api/v1/tickets/${key}`)).json().version;
    const before = await counts();

    const res = await requester.post(`/api/v1/tickets/${key}/messages`, {
      body: "Thanks, see attached.",
      attachmentIds: [secret?.id],
    });
    expectProblem(res, 422, "message.attachment_invalid");
    expect(await counts()).toEqual(before);
    expect((await agent.get(`/api/v1/tickets/${key}`)).json().version).toBe(versionBefore);
    const [row] = await attachmentRows(key);
    expect(row).toMatchObject({ id: secret?.id, message_id: null, visibility: "internal" });
    expectProblem(await requester.get(secret?.url ?? ""), 404, "attachment.not_found");
    expect((await requester.get(`/api/v1/tickets/${key}/attachments`)).json().items).toEqual([]);
  });

  it("a requester's refusal is the same for a staff-only file, someone else's file, a used one, another ticket's and a missing id", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    const agent = await h.as("agent@demo.test");
    const key = await openTicket(requester, { site: "ZMB", subject: "Probe", description: "Ids." });
    const other = await openTicket(requester, { site: "ZMB", subject: "Other", description: "Ids." });
    const up = async (who: Client, ticket: string, query = "") =>
      (
        (
          await who.upload(`/api/v1/tickets/${ticket}/attachments${query}`, [
            { name: "f.txt", content: Buffer.from(`file ${Math.random()}\n`) },
          ])
        ).json().items as AttachmentJson[]
      )[0]?.id as number;
    const staffOnly = await up(agent, key);
    const staffPublic = await up(agent, key, "?visibility=public");
    const otherTickets = await up(requester, other);
    const used = await up(requester, key);
    expect(
      (await requester.post(`/api/v1/tickets/${key}/messages`, { body: "first", attachmentIds: [used] }))
        .statusCode,
    ).toBe(201);
    const missing = Math.max(staffOnly, staffPublic, otherTickets, used) + 1000;

    const bodies = [];
    for (const id of [staffOnly, staffPublic, otherTickets, used, missing]) {
      const before = await counts();
      const res = await requester.post(`/api/v1/tickets/${key}/messages`, {
        body: "probe",
        attachmentIds: [id],
      });
      expectProblem(res, 422, "message.attachment_invalid");
      const { requestId: _, ...body } = res.json() as Record<string, unknown>;
      bodies.push(body);
      expect(await counts()).toEqual(before);
    }
    for (const b of bodies.slice(1)) expect(b).toEqual(bodies[0]);
    expect(JSON.stringify(bodies[0])).not.toMatch(/internal|staff|exist/i);
  });

  it("a requester can link their own upload to their reply", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    const key = await openTicket(requester, { site: "ZMB", subject: "Photo", description: "Here." });
    const [mine] = (
      await requester.upload(`/api/v1/tickets/${key}/attachments`, [{ name: "photo.png", content: PNG }])
    ).json().items as AttachmentJson[];
    const res = await requester.post(`/api/v1/tickets/${key}/messages`, {
      body: "The photo.",
      attachmentIds: [mine?.id],
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().attachments).toMatchObject([{ id: mine?.id, visibility: "public" }]);
  });

  it("an attachment linked to an internal note stays hidden from the requester", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    const agent = await h.as("agent@demo.test");
    const key = await openTicket(requester, {
      site: "ZMB",
      subject: "Login loop",
      description: "Keeps asking.",
    });
    const [item] = (
      await agent.upload(`/api/v1/tickets/${key}/attachments?visibility=public`, [
        { name: "trace.log", content: TXT },
      ])
    ).json().items as AttachmentJson[];
    expect(item?.visibility).toBe("public");
    const note = await agent.post(`/api/v1/tickets/${key}/messages`, {
      kind: "note",
      body: "Server trace.",
      attachmentIds: [item?.id],
    });
    expect(note.statusCode).toBe(201);
    expect((await requester.get(`/api/v1/tickets/${key}/attachments`)).json().items).toEqual([]);
    expectProblem(await requester.get(item?.url ?? ""), 404, "attachment.not_found");
  });

  it("attachment ids of another ticket are refused and no message is written", async () => {
    const agent = await h.as("agent@demo.test");
    const mine = await openTicket(agent, ticketFor);
    const other = await openTicket(agent, ticketFor);
    const [foreign] = (
      await agent.upload(`/api/v1/tickets/${other}/attachments`, [{ name: "x.csv", content: CSV }])
    ).json().items as AttachmentJson[];
    const versionBefore = (await agent.get(`/api/v1/tickets/${mine}`)).json().version;
    const before = await counts();

    const res = await agent.post(`/api/v1/tickets/${mine}/messages`, {
      body: "See file",
      attachmentIds: [foreign?.id],
    });
    const problem = expectProblem(res, 422, "message.attachment_invalid");
    expect(problem.errors?.map((e) => e.field)).toEqual(["attachmentIds"]);
    expect(await counts()).toEqual(before);
    expect((await agent.get(`/api/v1/tickets/${mine}`)).json()).toMatchObject({
      version: versionBefore,
      status: "new",
    });
    const [row] = await attachmentRows(other);
    expect(row).toMatchObject({ message_id: null, visibility: "internal" });

    expectProblem(
      await agent.get(`/api/v1/tickets/${mine}/attachments/${foreign?.id}`),
      404,
      "attachment.not_found",
    );
  });

  it("an attachment already linked to a message cannot be linked again", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await openTicket(agent, ticketFor);
    const [item] = (
      await agent.upload(`/api/v1/tickets/${key}/attachments?visibility=public`, [
        { name: "a.txt", content: TXT },
      ])
    ).json().items as AttachmentJson[];
    expect(
      (await agent.post(`/api/v1/tickets/${key}/messages`, { body: "first", attachmentIds: [item?.id] }))
        .statusCode,
    ).toBe(201);
    const before = await counts();
    const again = await agent.post(`/api/v1/tickets/${key}/messages`, {
      kind: "note",
      body: "again",
      attachmentIds: [item?.id],
    });
    expectProblem(again, 422, "message.attachment_invalid");
    expect(await counts()).toEqual(before);
    const [row] = await attachmentRows(key);
    expect(row?.visibility).toBe("public");
  });

  it("a site admin of another site gets 404 for a ZMB attachment", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await openTicket(agent, ticketFor);
    const [item] = (
      await agent.upload(`/api/v1/tickets/${key}/attachments?visibility=public`, [
        { name: "p.png", content: PNG },
      ])
    ).json().items as AttachmentJson[];
    const bgd = await h.as("siteadmin-bgd@demo.test");
    expectProblem(await bgd.get(item?.url ?? ""), 404, "ticket.not_found");
    expectProblem(await bgd.get(`/api/v1/tickets/${key}/attachments`), 404, "ticket.not_found");
  });

  it("an engineer gets 404 for a Level 1 ticket's attachment and may read it once the ticket reaches their team at Level 3", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await openTicket(agent, ticketFor);
    const [item] = (
      await agent.upload(`/api/v1/tickets/${key}/attachments`, [{ name: "trace.log", content: TXT }])
    ).json().items as AttachmentJson[];
    const engineer = await h.as("engineer@demo.test");
    expectProblem(await engineer.get(item?.url ?? ""), 404, "ticket.not_found");
    expectProblem(await engineer.get(`/api/v1/tickets/${key}/attachments`), 404, "ticket.not_found");

    const db = h.ctx.database.db;
    const team = await db
      .selectFrom("vendor_teams")
      .select("id")
      .where("slug", "=", "opencrvs-core")
      .executeTakeFirstOrThrow();
    const user = await db
      .selectFrom("users")
      .select("id")
      .where("email", "=", "agent@demo.test")
      .executeTakeFirstOrThrow();
    const actor = await h.ctx.users.loadActor(user.id, new Set(SCOPES), "session");
    if (!actor) throw new Error("agent not found");
    await h.ctx.tickets.moveTier(actor, key, 3, "Core defect", { vendorTeamId: team.id });

    const download = await engineer.get(item?.url ?? "");
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(TXT)).toBe(true);
  });
});
