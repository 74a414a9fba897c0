import { createHash } from "node:crypto";
import pg from "pg";

/** Statements longer than this, or with more parameters, are too varied to be worth keeping. */
const MAX_TEXT = 8_000;
const MAX_PARAMS = 100;
/**
 * A statement carrying a long array or a large value (a bulk load's `unnest($1::int4[])`) runs
 * unnamed: a bulk statement runs a few times and gains nothing from being parsed once. (This is not
 * what slowed the bench seed with custom plans forced: it stayed twice as slow with this rule.)
 */
const MAX_ARRAY = 64;
const MAX_VALUE = 16_384;
const isBulk = (v: unknown) =>
  (Array.isArray(v) && v.length > MAX_ARRAY) ||
  ((typeof v === "string" || Buffer.isBuffer(v)) && v.length > MAX_VALUE);

/**
 * Off by default (DATABASE_STATEMENTS=0): with custom plans forced it made the bench's bulk seed twice
 * as slow, for reasons not yet found, and its CPU saving did not raise the mail rate on two cores.
 * A pg client class whose parameterised statements are named, so PostgreSQL parses each one once
 * per connection instead of on every call (Kysely sends plain text). openDatabase still has every
 * run planned for its values (plan_cache_mode = force_custom_plan), as an unnamed statement is. At
 * most `limit` distinct statements are named per process (the rest run unnamed as before), which
 * bounds the memory each server connection keeps for them; statements without parameters (`begin`,
 * `commit`, DDL) stay on the simple protocol. If a migration run by another process changes a table
 * a named statement reads, that statement fails once and runs unnamed from then on. A limit of 0
 * turns it off, for a pooler that cannot keep named statements (PgBouncer before 1.21 in
 * transaction mode).
 */
export function namedStatementClient(limit: number): typeof pg.Client {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    if (names.has(text)) return names.get(text) || undefined;
    if (names.size >= limit) return undefined;
    const name = `td_${createHash("sha1").update(text).digest("base64url").slice(0, 22)}`;
    names.set(text, name);
    return name;
  };
  return class NamedStatementClient extends pg.Client {
    // biome-ignore lint/suspicious/noExplicitAny: pg's query() is heavily overloaded; only (text, values[, callback]) is rewritten
    override query(config: any, values?: any, callback?: any): any {
      if (
        typeof config === "string" &&
        Array.isArray(values) &&
        values.length > 0 &&
        values.length <= MAX_PARAMS &&
        config.length <= MAX_TEXT &&
        !values.some(isBulk)
      ) {
        const name = nameOf(config);
        if (name && !callback) {
          return super.query({ name, text: config, values }).catch((e: { code?: string }) => {
            // A table changed under a named `select *` (a migration run by another process): this
            // statement runs unnamed from now on, and the caller's retry works.
            if (e?.code === "0A000") names.set(config, "");
            throw e;
          });
        }
      }
      return super.query(config, values, callback);
    }
  } as typeof pg.Client;
}
