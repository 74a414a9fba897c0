import { randomUUID } from "node:crypto";
import type { ImapFlow } from "imapflow";
import type { Clock } from "../../../shared/clock.js";
import type { Logger } from "../../../shared/logger.js";
import type { SecretBox } from "../../../shared/secrets.js";
import type { EmailInbound } from "./email.inbound.js";
import type { EmailRepository, MailboxRow } from "./email.repository.js";

type Deps = {
  repo: EmailRepository;
  inbound: EmailInbound;
  secrets: SecretBox;
  clock: Clock;
  log: Logger;
  pollSeconds: number;
};

/**
 * An IMAP client for a mailbox (imapflow: IDLE where the server has it, NOOP polling otherwise);
 * imapflow is loaded on first use, so a hub without IMAP mailboxes never holds it in memory.
 */
export async function imapClient(mailbox: MailboxRow, secrets: SecretBox): Promise<ImapFlow> {
  const { ImapFlow } = await import("imapflow");
  return new ImapFlow({
    host: mailbox.imap_host ?? "",
    port: mailbox.imap_port ?? (mailbox.imap_tls ? 993 : 143),
    secure: mailbox.imap_tls === 1,
    auth: {
      user: mailbox.imap_user ?? mailbox.address,
      pass: mailbox.imap_password ? secrets.open(mailbox.imap_password) : "",
    },
    logger: false,
    autoIdleDelay: 1000,
    missingIdleCommand: "NOOP",
    connectionTimeout: 30_000,
  });
}

/**
 * Takes every message of the open folder above the mailbox's cursor, in UID order, one at a time:
 * the cursor moves past a message only after its transaction committed, and stops at the first
 * failure so nothing is skipped. Answers how many messages were new.
 */
export async function syncFolder(
  client: ImapFlow,
  mailbox: MailboxRow,
  deps: Pick<Deps, "repo" | "inbound">,
): Promise<number> {
  const opened = client.mailbox;
  if (!opened) throw new Error("no folder is open");
  const uidValidity = Number(opened.uidValidity);
  let last = mailbox.last_uid;
  if (mailbox.uid_validity !== uidValidity) {
    await deps.repo.resetCursor(mailbox.id, uidValidity);
    last = 0;
  }
  if (opened.exists === 0) return 0;
  const found = await client.search({ uid: `${last + 1}:*` }, { uid: true });
  const uids = (found || []).filter((u) => u > last).sort((a, b) => a - b);
  let taken = 0;
  for (const uid of uids) {
    const msg = await client.fetchOne(String(uid), { source: true }, { uid: true });
    if (msg === false || !msg.source) continue;
    const result = await deps.inbound.take(mailbox, msg.source, { uidValidity, uid });
    if (result.outcome !== "duplicate") taken++;
    await deps.repo.advanceCursor(mailbox.id, uidValidity, uid);
  }
  return taken;
}

/** Reads one mailbox once (connect, take what is new, log out); for the settings test button and tests. */
export async function readOnce(
  mailbox: MailboxRow,
  deps: Pick<Deps, "repo" | "inbound" | "secrets">,
): Promise<number> {
  const client = await imapClient(mailbox, deps.secrets);
  await client.connect();
  try {
    await client.mailboxOpen(mailbox.imap_folder);
    const fresh = (await deps.repo.mailbox(mailbox.id)) ?? mailbox;
    return await syncFolder(client, fresh, deps);
  } finally {
    await client.logout().catch(() => undefined);
  }
}

/**
 * The IMAP readers of this process: one per enabled mailbox with IMAP settings, each holding a lease
 * so that of several worker processes one reads a mailbox at a time. A reader stays connected and
 * syncs when the server announces new mail (IDLE) and every `pollSeconds`; it reconnects after
 * errors with a growing pause. Settings changes are picked up at the next poll.
 */
export function createImapReaders(deps: Deps) {
  const { repo, clock, log, pollSeconds } = deps;
  const readerId = randomUUID();
  const leaseMs = Math.max(pollSeconds * 3, 60) * 1000;
  const readers = new Map<number, { version: number; stop: () => Promise<void> }>();
  let timer: NodeJS.Timeout | undefined;
  let refreshing: Promise<void> | undefined;

  function startReader(initial: MailboxRow) {
    let stopped = false;
    let client: ImapFlow | undefined;
    let wake: (() => void) | undefined;
    let failures = 0;
    const pause = (ms: number) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });

    async function session() {
      const mailbox = await repo.mailbox(initial.id);
      if (!mailbox?.enabled) return;
      if (!(await repo.claimReader(mailbox.id, readerId, clock.now(), clock.now() + leaseMs))) return;
      client = await imapClient(mailbox, deps.secrets);
      let syncing: Promise<void> | undefined;
      let again = false;
      const sync = (): Promise<void> => {
        if (syncing) {
          again = true;
          return syncing;
        }
        syncing = (async () => {
          do {
            again = false;
            const fresh = (await repo.mailbox(initial.id)) ?? mailbox;
            await syncFolder(client as ImapFlow, fresh, deps);
            await repo.noteChecked(initial.id, clock.now(), null);
          } while (again && !stopped);
        })().finally(() => {
          syncing = undefined;
        });
        return syncing;
      };
      const closed = new Promise<void>((resolve) => client?.once("close", () => resolve()));
      client.on("error", (e: Error) => log.warn({ err: e, mailbox: initial.id }, "IMAP connection error"));
      client.on(
        "exists",
        () => void sync().catch((e) => log.error({ err: e, mailbox: initial.id }, "mail sync failed")),
      );
      await client.connect();
      await client.mailboxOpen(mailbox.imap_folder);
      await sync();
      failures = 0;
      while (!stopped && client.usable) {
        await Promise.race([pause(pollSeconds * 1000), closed]);
        if (stopped || !client.usable) break;
        if (!(await repo.claimReader(initial.id, readerId, clock.now(), clock.now() + leaseMs))) break;
        await sync();
      }
    }

    const loop = (async () => {
      while (!stopped) {
        try {
          await session();
        } catch (e) {
          failures++;
          const message = e instanceof Error ? e.message : String(e);
          log.warn({ err: e, mailbox: initial.id }, "IMAP reader failed; retrying");
          await repo.noteChecked(initial.id, clock.now(), message.slice(0, 500)).catch(() => undefined);
        } finally {
          await client?.logout().catch(() => undefined);
          client = undefined;
        }
        if (!stopped) await pause(Math.min(60_000, pollSeconds * 1000 * 2 ** Math.min(failures, 6)));
      }
    })();

    return {
      version: initial.updated_at,
      async stop() {
        stopped = true;
        wake?.();
        client?.close();
        await loop;
        await repo.releaseReader(initial.id, readerId).catch(() => undefined);
      },
    };
  }

  async function refresh() {
    const wanted = await repo.imapMailboxes();
    for (const [id, r] of readers) {
      const m = wanted.find((w) => w.id === id);
      if (!m || m.updated_at !== r.version) {
        readers.delete(id);
        await r.stop();
      }
    }
    for (const m of wanted) if (!readers.has(m.id)) readers.set(m.id, startReader(m));
  }

  return {
    async start() {
      await refresh();
      timer = setInterval(() => {
        refreshing ??= refresh()
          .catch((e) => log.error({ err: e }, "IMAP readers refresh failed"))
          .finally(() => {
            refreshing = undefined;
          });
      }, pollSeconds * 1000);
    },
    async stop() {
      clearInterval(timer);
      await refreshing;
      await Promise.all([...readers.values()].map((r) => r.stop()));
      readers.clear();
    },
  };
}
