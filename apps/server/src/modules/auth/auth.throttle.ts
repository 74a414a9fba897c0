import { type Db, isPostgres } from "../../db/database.js";
import type { SignInThrottlesTable } from "../../db/schema.js";
import type { Clock } from "../../shared/clock.js";
import { sha256 } from "../../shared/tokens.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type Rule = { free: number; firstWaitMs: number; maxWaitMs: number; forgetMs: number };
type Kind = "pair" | "account" | "address";

/**
 * How many failed sign-ins are free, and how the wait grows after them (doubling from the first wait
 * up to the longest), per (account, address), per account from anywhere, and per address over every
 * account. Failures are forgotten after `forgetMs` without one. The account and address limits are
 * generous and short so that an attacker cannot keep the owner, or everyone behind one proxy, out.
 */
export const SIGN_IN_RULES: Record<Kind, Rule> = {
  pair: { free: 5, firstWaitMs: 1000, maxWaitMs: 15 * MINUTE, forgetMs: DAY },
  account: { free: 20, firstWaitMs: 1000, maxWaitMs: MINUTE, forgetMs: HOUR },
  address: { free: 30, firstWaitMs: 1000, maxWaitMs: MINUTE, forgetMs: HOUR },
};
/**
 * After a successful sign-in from an address, that account is judged there on its own (account,
 * address) record only for this long: neither a spray from behind the same proxy nor an attack on the
 * account from elsewhere slows its owner down where they usually sign in.
 */
export const KNOWN_ADDRESS_MS = 30 * DAY;
const PRUNE_EVERY_MS = HOUR;

/** The wait after the `failures`-th failure under a rule. */
export function waitAfter(rule: Rule, failures: number): number {
  if (failures < rule.free) return 0;
  return Math.min(rule.maxWaitMs, rule.firstWaitMs * 2 ** Math.min(failures - rule.free, 30));
}

/** The address as counted: IPv6 by its /64 (one subscriber's share), IPv4 as it is. */
export function addressGroup(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1] as string;
  if (!ip.includes(":")) return ip;
  const bare = ip.split("%")[0] as string;
  const [head = "", tail] = bare.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

type Row = SignInThrottlesTable;
export type SignInAttempt = { retryAfter: number } | { succeeded: () => Promise<void> };

/**
 * Sign-in throttling kept in the database, so that it holds across processes and for attempts that
 * arrive together: an attempt is counted as a failure before its password is checked, in one
 * transaction over its three rows, and a success takes the count back.
 */
export function createSignInThrottle({ db, clock }: { db: Db; clock: Clock }) {
  let prunedAt = 0;
  const keyOf = (...parts: string[]) => sha256(parts.join("\u0000"));

  /** Forgets quiet rows: failures after a day, known addresses after KNOWN_ADDRESS_MS. */
  async function prune(now: number) {
    if (now - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = now;
    await db
      .deleteFrom("sign_in_throttles")
      .where((eb) =>
        eb.or([
          eb("updated_at", "<", now - KNOWN_ADDRESS_MS),
          eb.and([eb("signed_in_at", "is", null), eb("updated_at", "<", now - DAY)]),
        ]),
      )
      .execute();
  }

  return {
    /**
     * Counts an attempt to sign in as `email` from `ip` before its password is checked: answers how
     * many seconds to wait if one of its limits says so (nothing is counted then), else the attempt,
     * whose `succeeded` is called once the password was right.
     */
    async begin(email: string, ip: string): Promise<SignInAttempt> {
      const now = clock.now();
      await prune(now);
      const address = addressGroup(ip);
      const keys: Record<Kind, string> = {
        pair: keyOf("pair", email, address),
        account: keyOf("account", email),
        address: keyOf("address", address),
      };
      const kinds = (Object.keys(keys) as Kind[]).sort((a, b) => (keys[a] < keys[b] ? -1 : 1));
      const retryAfter = await db.transaction().execute(async (tx) => {
        // Rows in key order, so that two transactions never wait for each other's locks in a circle.
        await tx
          .insertInto("sign_in_throttles")
          .values(
            kinds.map((k) => ({
              key: keys[k],
              failures: 0,
              blocked_until: 0,
              last_failure_at: 0,
              signed_in_at: null,
              updated_at: now,
            })),
          )
          .onConflict((oc) => oc.column("key").doNothing())
          .execute();
        const select = tx
          .selectFrom("sign_in_throttles")
          .selectAll()
          .where(
            "key",
            "in",
            kinds.map((k) => keys[k]),
          )
          .orderBy("key");
        const found = await (isPostgres(tx) ? select.forUpdate() : select).execute();
        const rows = new Map(found.map((r) => [r.key, r]));
        const row = (k: Kind) => rows.get(keys[k]) as Row;
        const pair = row("pair");
        const known = pair.signed_in_at !== null && pair.signed_in_at + KNOWN_ADDRESS_MS > now;
        const gates: Kind[] = known ? ["pair"] : kinds;
        const waitMs = Math.max(0, ...gates.map((k) => row(k).blocked_until - now));
        if (waitMs > 0) return Math.ceil(waitMs / 1000);
        for (const k of kinds) {
          const r = row(k);
          const rule = SIGN_IN_RULES[k];
          const failures = (r.last_failure_at + rule.forgetMs <= now ? 0 : r.failures) + 1;
          const waitMs = waitAfter(rule, failures);
          await tx
            .updateTable("sign_in_throttles")
            .set({
              failures,
              // 0, not now, when free: a concurrent attempt may have read the clock a moment earlier.
              blocked_until: waitMs ? now + waitMs : 0,
              last_failure_at: now,
              updated_at: now,
            })
            .where("key", "=", r.key)
            .execute();
        }
        return 0;
      });
      if (retryAfter > 0) return { retryAfter };
      return {
        async succeeded() {
          const at = clock.now();
          await db
            .updateTable("sign_in_throttles")
            .set({ failures: 0, blocked_until: 0, signed_in_at: at, updated_at: at })
            .where("key", "=", keys.pair)
            .execute();
          await db
            .updateTable("sign_in_throttles")
            .set((eb) => ({ failures: eb("failures", "-", 1) }))
            .where("key", "in", [keys.account, keys.address])
            .where("failures", ">", 0)
            .execute();
        },
      };
    },
  };
}
export type SignInThrottle = ReturnType<typeof createSignInThrottle>;
