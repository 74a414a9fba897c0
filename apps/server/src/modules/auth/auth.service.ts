import type { Db } from "../../db/database.js";
import { type Actor, SCOPES, type Scope } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { toIso, toIsoOrNull } from "../../shared/clock.js";
import { AppError, forbidden, invalid, notFound, unauthorized } from "../../shared/errors.js";
import { authorize } from "../../shared/policy.js";
import { randomToken, sha256 } from "../../shared/tokens.js";
import { userPolicy } from "../users/users.policy.js";
import type { UsersService } from "../users/users.service.js";
import { decoyHash, hashPassword, verifyPassword } from "./auth.passwords.js";
import { createSignInThrottle } from "./auth.throttle.js";

const SESSION_IDLE_MS = 7 * 24 * 3600_000;
const SESSION_MAX_MS = 30 * 24 * 3600_000;
const SESSION_TOUCH_MS = 60_000;
const RESET_TTL_MS = 24 * 3600_000;
const TOKEN_PREFIX = "tdk_";
const ALL_SCOPES: ReadonlySet<Scope> = new Set(SCOPES);
/**
 * How long this process trusts what it read about a session or token (its actor, CSRF token and
 * expiry) before reading it again. Logout, token revocation, password resets and changes to a user
 * made in this process drop the cached entries at once; a change made by another process (another
 * server behind the same PostgreSQL, or the command line) is seen within this many milliseconds.
 */
export const AUTH_CACHE_TTL_MS = 5_000;
const AUTH_CACHE_MAX = 10_000;

type Deps = { db: Db; clock: Clock; users: UsersService; publicUrl: string };
export type SessionInfo = { actor: Actor; csrfToken: string };

type CachedSession = {
  kind: "session";
  info: SessionInfo;
  lastSeenAt: number;
  expiresAt: number;
  freshUntil: number;
};
type CachedToken = {
  kind: "token";
  actor: Actor;
  tokenId: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  freshUntil: number;
};
type Cached = CachedSession | CachedToken;

/**
 * A bounded least-recently-used map from session id hash or token hash to what was read about it.
 * `epoch` grows with every drop, so a read that started before a drop does not store its stale answer.
 */
function createAuthCache(max: number) {
  const entries = new Map<string, Cached>();
  let epoch = 0;
  return {
    get epoch() {
      return epoch;
    },
    get(key: string): Cached | undefined {
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key);
        entries.set(key, hit);
      }
      return hit;
    },
    set(key: string, value: Cached, startedAt: number): void {
      if (startedAt !== epoch) return;
      entries.delete(key);
      entries.set(key, value);
      if (entries.size > max) entries.delete(entries.keys().next().value as string);
    },
    drop(key: string): void {
      epoch++;
      entries.delete(key);
    },
    dropWhere(match: (entry: Cached) => boolean): void {
      epoch++;
      for (const [key, entry] of entries) if (match(entry)) entries.delete(key);
    },
  };
}

/** Sign-in, sessions, API tokens and password resets. */
export function createAuthService({ db, clock, users, publicUrl }: Deps) {
  // Failed sign-ins are counted per (account, address), per account and per address, so neither
  // guessing one account's password nor spraying one password over many accounts gets far.
  const throttle = createSignInThrottle({ db, clock });
  const cache = createAuthCache(AUTH_CACHE_MAX);
  const credentialListeners: Array<(userId: number) => void> = [];
  /** Tells the listeners that a session or token of the user ended here (the live hub closes its streams). */
  const credentialsEnded = (userId: number) => {
    for (const listener of credentialListeners) listener(userId);
  };
  const userOf = (entry: Cached) => (entry.kind === "session" ? entry.info.actor : entry.actor).userId;
  users.onActorChange(async (userId, { access }) => {
    cache.dropWhere((entry) => userOf(entry) === userId);
    // A link issued for the person as they were must not set the password of who they are now.
    if (access)
      await db
        .deleteFrom("password_resets")
        .where("user_id", "=", userId)
        .where("used_at", "is", null)
        .execute();
  });

  /**
   * Whether the issuer of a reset link may still reset the person's password: checked again when the
   * link is used, so that a change made by another process, or by hand in the database, cannot turn
   * a site admin's link for a requester into a way into a more powerful account.
   */
  async function issuerMayStillReset(link: { user_id: number; created_by: number }): Promise<boolean> {
    const [issuer, subject, person] = await Promise.all([
      users.loadActor(link.created_by, ALL_SCOPES, "session"),
      users.subject(link.user_id),
      users.findById(link.user_id),
    ]);
    return !!issuer && !!subject && person?.disabled === 0 && userPolicy.resetPassword(issuer, subject);
  }

  // The last-seen and last-used times only need minute precision: on a cache hit they are written
  // without waiting. A lost write makes an idle session end at most a minute early.
  function touchLater(write: Promise<unknown>): void {
    write.catch(() => undefined);
  }

  return {
    /** Checks the password and opens a session; returns the raw session id for the cookie. */
    async login(email: string, password: string, meta: { ip: string; userAgent?: string }) {
      const key = email.trim().toLowerCase();
      const attempt = await throttle.begin(key, meta.ip);
      if ("retryAfter" in attempt) {
        throw new AppError(
          429,
          "auth.too_many_attempts",
          "Too many failed sign-ins; try again later",
          undefined,
          { "retry-after": String(attempt.retryAfter) },
        );
      }
      const user = await users.findByEmail(key);
      const ok = user?.password_hash
        ? await verifyPassword(password, user.password_hash)
        : (await verifyPassword(password, await decoyHash())) && false;
      if (!user || !ok || user.disabled)
        throw unauthorized("auth.invalid_credentials", "Email or password is wrong");
      await attempt.succeeded();
      const sessionId = randomToken();
      const csrfToken = randomToken();
      const now = clock.now();
      await db
        .insertInto("sessions")
        .values({
          id_hash: sha256(sessionId),
          user_id: user.id,
          csrf_token: csrfToken,
          created_at: now,
          last_seen_at: now,
          expires_at: now + SESSION_MAX_MS,
          ip: meta.ip.slice(0, 64),
          user_agent: meta.userAgent?.slice(0, 300) ?? null,
        })
        .execute();
      return { sessionId, csrfToken, userId: user.id };
    },

    async logout(sessionId: string): Promise<void> {
      const idHash = sha256(sessionId);
      const ended = await db
        .deleteFrom("sessions")
        .where("id_hash", "=", idHash)
        .returning("user_id")
        .executeTakeFirst();
      cache.drop(`s:${idHash}`);
      if (ended) credentialsEnded(ended.user_id);
    },

    /**
     * Calls `listener` with the user's id after one of their sessions or tokens ended in this process
     * (sign-out, token revocation, password reset); changes to the user come through the users service.
     */
    onCredentialsEnd(listener: (userId: number) => void): void {
      credentialListeners.push(listener);
    },

    /**
     * The actor behind a session cookie, or undefined if the session is unknown or expired. Served
     * from the cache for up to AUTH_CACHE_TTL_MS after the database was read.
     */
    async resolveSession(sessionId: string): Promise<SessionInfo | undefined> {
      const now = clock.now();
      const idHash = sha256(sessionId);
      const key = `s:${idHash}`;
      const hit = cache.get(key);
      if (hit?.kind === "session" && now < hit.freshUntil) {
        if (hit.expiresAt <= now || hit.lastSeenAt + SESSION_IDLE_MS <= now) return undefined;
        if (now - hit.lastSeenAt > SESSION_TOUCH_MS) {
          hit.lastSeenAt = now;
          touchLater(
            db.updateTable("sessions").set({ last_seen_at: now }).where("id_hash", "=", idHash).execute(),
          );
        }
        return hit.info;
      }
      const epoch = cache.epoch;
      const row = await db
        .selectFrom("sessions")
        .select(["user_id", "csrf_token", "last_seen_at", "expires_at"])
        .where("id_hash", "=", idHash)
        .executeTakeFirst();
      if (!row || row.expires_at <= now || row.last_seen_at + SESSION_IDLE_MS <= now) return undefined;
      const actor = await users.loadActor(row.user_id, ALL_SCOPES, "session");
      if (!actor) return undefined;
      let lastSeenAt = row.last_seen_at;
      if (now - row.last_seen_at > SESSION_TOUCH_MS) {
        await db.updateTable("sessions").set({ last_seen_at: now }).where("id_hash", "=", idHash).execute();
        lastSeenAt = now;
      }
      const info = { actor, csrfToken: row.csrf_token };
      cache.set(
        key,
        {
          kind: "session",
          info,
          lastSeenAt,
          expiresAt: row.expires_at,
          freshUntil: now + AUTH_CACHE_TTL_MS,
        },
        epoch,
      );
      return info;
    },

    /**
     * The actor behind a bearer token, limited to the token's scopes. Served from the cache for up
     * to AUTH_CACHE_TTL_MS after the database was read.
     */
    async resolveToken(raw: string): Promise<Actor | undefined> {
      if (!raw.startsWith(TOKEN_PREFIX) || raw.length > 200) return undefined;
      const now = clock.now();
      const tokenHash = sha256(raw);
      const key = `t:${tokenHash}`;
      const hit = cache.get(key);
      if (hit?.kind === "token" && now < hit.freshUntil) {
        if (hit.expiresAt !== null && hit.expiresAt <= now) return undefined;
        if (hit.lastUsedAt === null || now - hit.lastUsedAt > SESSION_TOUCH_MS) {
          hit.lastUsedAt = now;
          touchLater(
            db.updateTable("api_tokens").set({ last_used_at: now }).where("id", "=", hit.tokenId).execute(),
          );
        }
        return hit.actor;
      }
      const epoch = cache.epoch;
      const row = await db
        .selectFrom("api_tokens")
        .selectAll()
        .where("token_hash", "=", tokenHash)
        .executeTakeFirst();
      if (!row || row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= now))
        return undefined;
      const actor = await users.loadActor(row.user_id, new Set(JSON.parse(row.scopes) as Scope[]), "token");
      if (!actor) return undefined;
      let lastUsedAt = row.last_used_at;
      if (row.last_used_at === null || now - row.last_used_at > SESSION_TOUCH_MS) {
        await db.updateTable("api_tokens").set({ last_used_at: now }).where("id", "=", row.id).execute();
        lastUsedAt = now;
      }
      cache.set(
        key,
        {
          kind: "token",
          actor,
          tokenId: row.id,
          lastUsedAt,
          expiresAt: row.expires_at,
          freshUntil: now + AUTH_CACHE_TTL_MS,
        },
        epoch,
      );
      return actor;
    },

    /** Creates an API token for a user; the raw token is returned once and stored only hashed. */
    async createToken(userId: number, input: { name: string; scopes: Scope[]; expiresInDays?: number }) {
      const raw = `${TOKEN_PREFIX}${randomToken()}`;
      const now = clock.now();
      const row = await db
        .insertInto("api_tokens")
        .values({
          user_id: userId,
          name: input.name,
          prefix: raw.slice(0, 10),
          token_hash: sha256(raw),
          scopes: JSON.stringify([...new Set(input.scopes)]),
          created_at: now,
          last_used_at: null,
          expires_at: input.expiresInDays ? now + input.expiresInDays * 86_400_000 : null,
          revoked_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { ...tokenView(row), token: raw };
    },

    async listTokens(userId: number) {
      const rows = await db
        .selectFrom("api_tokens")
        .selectAll()
        .where("user_id", "=", userId)
        .where("revoked_at", "is", null)
        .orderBy("id")
        .execute();
      return rows.map(tokenView);
    },

    /** Every live API token with its owner, for hub admins to find and revoke forgotten ones. */
    async listAllTokens(actor: Actor) {
      if (!actor.hubAdmin) throw forbidden("token.admin_only", "Only hub admins see everyone's tokens");
      const rows = await db
        .selectFrom("api_tokens")
        .innerJoin("users", "users.id", "api_tokens.user_id")
        .selectAll("api_tokens")
        .select(["users.name as owner_name", "users.email as owner_email"])
        .where("api_tokens.revoked_at", "is", null)
        .orderBy("api_tokens.id")
        .execute();
      return rows.map((r) => ({
        ...tokenView(r),
        owner: { id: r.user_id, name: r.owner_name, email: r.owner_email },
      }));
    },

    /** Revokes anyone's API token (hub admins; a user revokes their own with revokeToken). */
    async revokeAnyToken(actor: Actor, id: number): Promise<void> {
      if (!actor.hubAdmin) throw forbidden("token.admin_only", "Only hub admins revoke others' tokens");
      const revoked = await db
        .updateTable("api_tokens")
        .set({ revoked_at: clock.now() })
        .where("id", "=", id)
        .where("revoked_at", "is", null)
        .returning("user_id")
        .executeTakeFirst();
      cache.dropWhere((entry) => entry.kind === "token" && entry.tokenId === id);
      if (!revoked) throw notFound("token.not_found", "No such token");
      credentialsEnded(revoked.user_id);
    },

    async revokeToken(userId: number, id: number): Promise<void> {
      const res = await db
        .updateTable("api_tokens")
        .set({ revoked_at: clock.now() })
        .where("id", "=", id)
        .where("user_id", "=", userId)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
      cache.dropWhere((entry) => entry.kind === "token" && entry.tokenId === id);
      if (!res.numUpdatedRows) throw notFound("token.not_found", "No such token");
      credentialsEnded(userId);
    },

    /** Issues a one-time link with which the user sets a new password; 24 hours valid. */
    async issuePasswordReset(actor: Actor, userId: number) {
      const subject = await users.subject(userId);
      if (!subject) throw notFound("user.not_found", "No such user");
      if (!userPolicy.read(actor, subject)) throw notFound("user.not_found", "No such user");
      authorize(actor, userPolicy.resetPassword, subject, "user.reset_forbidden");
      const raw = randomToken();
      const now = clock.now();
      await db
        .insertInto("password_resets")
        .values({
          token_hash: sha256(raw),
          user_id: userId,
          created_by: actor.userId,
          created_at: now,
          expires_at: now + RESET_TTL_MS,
          used_at: null,
        })
        .execute();
      return { url: `${publicUrl}/reset-password#token=${raw}`, expiresAt: toIso(now + RESET_TTL_MS) };
    },

    /**
     * Sets the password from a reset link. The link works once, and only while its issuer may still
     * reset the person; every session and API token of the person ends, and so do their other links.
     */
    async completePasswordReset(raw: string, password: string): Promise<void> {
      const now = clock.now();
      const tokenHash = sha256(raw);
      const deadLink = () =>
        invalid("auth.reset_link_invalid", "This reset link is unknown, used or expired");
      const link = await db
        .selectFrom("password_resets")
        .select(["user_id", "created_by"])
        .where("token_hash", "=", tokenHash)
        .where("used_at", "is", null)
        .where("expires_at", ">", now)
        .executeTakeFirst();
      if (!link || !(await issuerMayStillReset(link))) throw deadLink();
      // Hash before the transaction: a slow hash inside it would hold SQLite's write lock.
      const hash = await hashPassword(password);
      const userId = await db.transaction().execute(async (tx) => {
        // Claimed only if still unused: a change of the person's access meanwhile deleted it.
        const claimed = await tx
          .updateTable("password_resets")
          .set({ used_at: now })
          .where("token_hash", "=", tokenHash)
          .where("used_at", "is", null)
          .where("expires_at", ">", now)
          .returning("user_id")
          .executeTakeFirst();
        if (!claimed) throw deadLink();
        const id = claimed.user_id;
        await tx
          .deleteFrom("password_resets")
          .where("user_id", "=", id)
          .where("used_at", "is", null)
          .execute();
        await tx.deleteFrom("sessions").where("user_id", "=", id).execute();
        await tx
          .updateTable("api_tokens")
          .set({ revoked_at: now })
          .where("user_id", "=", id)
          .where("revoked_at", "is", null)
          .execute();
        await tx
          .updateTable("users")
          .set({ password_hash: hash, updated_at: now })
          .where("id", "=", id)
          .execute();
        return id;
      });
      // After the commit, so that no read between the drop and the commit stores the old sessions.
      cache.dropWhere((entry) => userOf(entry) === userId);
      credentialsEnded(userId);
    },

    requireTokenFree(actor: Actor): void {
      if (actor.via === "token")
        throw forbidden("auth.session_required", "Manage tokens from a signed-in session");
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;

function tokenView(row: {
  id: number;
  name: string;
  prefix: string;
  scopes: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
}) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: JSON.parse(row.scopes) as string[],
    createdAt: toIso(row.created_at),
    lastUsedAt: toIsoOrNull(row.last_used_at),
    expiresAt: toIsoOrNull(row.expires_at),
  };
}
