/**
 * The bench's channel scenarios (issue 5), against the database in DATABASE_URL / DATA_DIR after the
 * bench seed (its sites and bench admin must be there). Prints one JSON line.
 *
 * - `channels.ts email [--messages N] [--seconds S] [--seed S]`: in this process, through the real
 *   services. Eight mailboxes at eight sites are created through the settings API; generated raw
 *   mail (bench/channels.mail.ts) is taken by `ctx.email.inbound.take`, the function the IMAP reader
 *   and the SMTP listener call (parse, raw copy, threading, contact, ticket or reply, acknowledgement
 *   queued, one commit), with an IMAP UID and the mailbox cursor moved after each mail as the reader
 *   does: one reader over all mailboxes, then eight readers at once (one per mailbox); then the same
 *   through the SMTP listener over loopback (nodemailer, one connection per mailbox).
 * - `channels.ts whatsapp --base URL --token T [--seconds S]`: against a running server (started by
 *   bench/run.ts with its workers off): sets up WhatsApp numbers at three sites as a hub admin
 *   (`PUT /api/v1/sites/{code}/channels/whatsapp`), then POSTs signed webhook deliveries with
 *   autocannon, every one with new message ids, and counts the rows the acknowledged ones left
 *   (bench/channels.whatsapp.ts).
 */
import nodemailer from "nodemailer";
import { buildApp } from "../apps/server/src/app/app.js";
import { createContext } from "../apps/server/src/app/context.js";
import { BENCH_ADMIN, BENCH_SITES } from "../apps/server/src/bench/bench.seed.js";
import type { Lang } from "../apps/server/src/bench/bench.text.js";
import { loadConfig, prepareDataDir } from "../apps/server/src/config/config.js";
import { openMigrated } from "../apps/server/src/main.js";
import type { MailboxRow } from "../apps/server/src/modules/channels/email/email.repository.js";
import { startSmtpListener } from "../apps/server/src/modules/channels/email/email.smtp-listener.js";
import { type GeneratedMail, generateMail } from "./channels.mail.js";
import { whatsapp } from "./channels.whatsapp.js";
import { loadAverage, type Measured, measure, percentile } from "./stats.js";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
};
const MODE = process.argv[2];
const SEED = Number(arg("seed", "1"));
/** The eight mailboxes' sites: English, French, Portuguese and Spanish ones. */
const MAIL_SITES = ["KEN", "SEN", "MOZ", "PER", "NGA", "CIV", "BRA", "ETH"];

const out: { measured: Measured[]; notes: string[] } = { measured: [], notes: [] };

type Item = GeneratedMail & { box: number };

/**
 * Runs one worker per stream, each taking its mails in order (as one reader per mailbox does), until
 * every stream is done or `seconds` have passed. `take` answers the outcome to check against the
 * expected one (null: not known to the caller); a throw counts as a failure.
 */
async function drive(streams: Item[][], seconds: number, take: (mail: Item) => Promise<string | null>) {
  const latencies: number[] = [];
  const byKind = new Map<string, number[]>();
  const done: Item[] = [];
  let wrong = 0;
  const wrongSamples: string[] = [];
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(
    streams.map(async (mails) => {
      for (const mail of mails) {
        if (performance.now() > deadline) return;
        const a = performance.now();
        let outcome: string | null;
        try {
          outcome = await take(mail);
        } catch (e) {
          outcome = `error ${(e as Error).message.slice(0, 200)}`;
        }
        const ms = performance.now() - a;
        if (outcome !== null && outcome !== mail.expected) {
          wrong++;
          if (wrongSamples.length < 3) wrongSamples.push(`${mail.kind} → ${outcome}`);
          if (outcome.startsWith("error")) continue;
        }
        latencies.push(ms);
        done.push(mail);
        byKind.set(mail.kind, [...(byKind.get(mail.kind) ?? []), ms]);
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const kinds = [...byKind]
    .sort((a, b) => b[1].length - a[1].length)
    .map(
      ([k, l]) =>
        `${k} ${l.length} (p50 ${percentile(
          [...l].sort((x, y) => x - y),
          50,
        ).toFixed(1)} ms)`,
    )
    .join(", ");
  return { latencies, done, elapsed, wrong, wrongSamples, kinds };
}

/** Interleaves the mailboxes' streams into the order one reader going round them would take them. */
const roundRobin = (streams: Item[][]) => {
  const one: Item[] = [];
  for (let i = 0; i < Math.max(...streams.map((s) => s.length)); i++)
    for (const s of streams) if (s[i]) one.push(s[i] as Item);
  return one;
};

async function email() {
  const MESSAGES = Number(arg("messages", "2000"));
  const SECONDS = Number(arg("seconds", "30"));
  const config = prepareDataDir(loadConfig());
  const database = await openMigrated(config);
  const ctx = createContext(config, database);
  await ctx.jobs.init();
  const app = await buildApp(ctx, { logger: false });
  await app.ready();
  let listener: Awaited<ReturnType<typeof startSmtpListener>> | undefined;
  try {
    out.notes.push(
      `channels: load average at the start of the email scenarios ${loadAverage()} (1 / 5 / 15 min)`,
    );
    const admin = await ctx.users.findByEmail(BENCH_ADMIN);
    if (!admin) throw new Error("run the bench seed first: no bench admin");
    const { token } = await ctx.auth.createToken(admin.id, {
      name: "bench channels",
      scopes: ["sites:read", "sites:write"],
    });
    const boxes: Array<{ row: MailboxRow; lang: Lang; product: string; uid: number }> = [];
    for (const code of MAIL_SITES) {
      const site = BENCH_SITES.find((s) => s.code === code);
      if (!site) throw new Error(`no bench site ${code}`);
      const res = await app.inject({
        method: "POST",
        url: `/api/v1/sites/${code}/channels/email/mailboxes`,
        headers: { authorization: `Bearer ${token}` },
        payload: { address: `support-${code.toLowerCase()}@bench-mail.test`, displayName: `${code} support` },
      });
      if (res.statusCode !== 201) throw new Error(`mailbox at ${code}: ${res.statusCode} ${res.body}`);
      const row = (await ctx.email.repo.mailbox(res.json().id)) as MailboxRow;
      // As a reader does on its first connection: the folder's UIDVALIDITY, cursor at 0.
      await ctx.email.repo.resetCursor(row.id, 1);
      boxes.push({ row, lang: site.lang, product: site.product, uid: 0 });
    }
    const streams = (tag: string, total: number): Item[][] =>
      boxes.map((b, box) =>
        generateMail(
          { address: b.row.address, lang: b.lang, product: b.product },
          Math.ceil(total / boxes.length),
          SEED,
          tag,
        ).map((m) => ({ ...m, box })),
      );
    const viaReader = async (mail: Item) => {
      const box = boxes[mail.box] as (typeof boxes)[number];
      const uid = ++box.uid;
      const result = await ctx.email.inbound.take(box.row, mail.raw, { uidValidity: 1, uid });
      await ctx.email.repo.advanceCursor(box.row.id, 1, uid);
      return result.outcome;
    };
    // Warm-up (JIT, prepared statements, caches), not measured.
    const warm = streams("warm", 80);
    await drive(warm, 60, viaReader);

    const g0 = performance.now();
    const sets = {
      r1: streams("r1", MESSAGES),
      r8: streams("r8", MESSAGES),
      smtp: streams("smtp", MESSAGES),
    };
    const all = Object.values(sets).flat(2);
    out.notes.push(
      `channels: ${all.length} raw mails generated in ${((performance.now() - g0) / 1000).toFixed(1)} s, ${Math.round(all.reduce((n, m) => n + m.bytes, 0) / all.length)} bytes on average, 8 mailboxes at ${MAIL_SITES.join(", ")}; per run: ${MESSAGES} mails at most, ${SECONDS} s at most`,
    );

    for (const [tag, readers] of [
      ["r1", 1],
      ["r8", 8],
    ] as const) {
      const set = sets[tag];
      const r = await drive(readers === 1 ? [roundRobin(set)] : set, SECONDS, viaReader);
      out.measured.push(
        measure(
          `email in: ${readers === 1 ? "1 reader, 8 mailboxes in turn" : "8 readers at once, one per mailbox"} (parse + ticket/reply committed)`,
          r.latencies,
          r.elapsed,
          r.wrong,
        ),
      );
      out.notes.push(
        `channels: email ${readers} reader(s): ${r.kinds}${r.wrong ? `; ${r.wrong} not as expected, e.g. ${r.wrongSamples.join("; ")}` : "; every mail had the expected outcome"}`,
      );
    }

    // The SMTP listener, over loopback: the sending server waits for 250, which comes after the commit.
    listener = await startSmtpListener({
      host: "127.0.0.1",
      port: 0,
      repo: ctx.email.repo,
      inbound: ctx.email.inbound,
      maxBytes: config.attachmentMaxBytes,
      log: ctx.log,
    });
    const transports = boxes.map(() =>
      nodemailer.createTransport({
        host: "127.0.0.1",
        port: listener?.port,
        secure: false,
        ignoreTLS: true,
        pool: true,
        maxConnections: 1,
      }),
    );
    const envelopes = new Map(
      sets.smtp.flat().map((m) => [
        m,
        {
          from: /^From: .*<([^>]+)>/m.exec(m.raw.toString("latin1"))?.[1] ?? "sender@example.test",
          to: [(boxes[m.box] as (typeof boxes)[number]).row.address],
        },
      ]),
    );
    const sent = await drive(sets.smtp, SECONDS, async (mail) => {
      await transports[mail.box]?.sendMail({ envelope: envelopes.get(mail), raw: mail.raw });
      return null;
    });
    for (const t of transports) t.close();
    const rows = await database.db
      .selectFrom("email_messages")
      .select([
        (e) => e.fn.countAll<number>().as("all"),
        (e) => e.fn.count<number>("ticket_message_id").as("messages"),
      ])
      .where("direction", "=", "in")
      .where("message_id", "like", "smtp.%")
      .executeTakeFirstOrThrow();
    const expectedMessages = sent.done.filter((m) => m.expected !== "ignored").length;
    out.measured.push(
      measure(
        "email in: SMTP listener over loopback, 8 connections (250 after commit)",
        sent.latencies,
        sent.elapsed,
        sent.wrong +
          Math.abs(Number(rows.all) - sent.latencies.length) +
          Math.abs(Number(rows.messages) - expectedMessages),
      ),
    );
    out.notes.push(
      `channels: SMTP: ${sent.latencies.length} mails answered 250, ${Number(rows.all)} recorded, ${Number(rows.messages)} became ticket messages (${expectedMessages} expected); ${sent.kinds}`,
    );
    out.notes.push(`channels: load average at the end of the email scenarios ${loadAverage()}`);
  } finally {
    await listener?.close();
    await app.close();
    await ctx.jobs.stop();
    await database.close();
  }
}

if (MODE === "email") await email();
else if (MODE === "whatsapp") await whatsapp(arg, out);
else throw new Error("usage: channels.ts email|whatsapp [options]");
console.log(JSON.stringify(out));
