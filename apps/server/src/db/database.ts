import { mkdirSync } from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import type { Config } from "../config/config.js";
import { namedStatementClient } from "./pg-statements.js";
import type { Database } from "./schema.js";

export type Dialect = "sqlite" | "postgres";
export type Db = Kysely<Database>;
export type DatabaseHandle = {
  db: Db;
  dialect: Dialect;
  close: () => Promise<void>;
  /** PostgreSQL only: the connection URL and the schema in use (tests give each file its own). */
  pg?: { url: string; schema: string };
};

// bigint (epoch milliseconds, counts) comes back from pg as a string; our values fit a double.
const pgTypes = {
  getTypeParser: (oid: number, format?: "text" | "binary") =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format),
} as pg.CustomTypesConfig;

/** Opens the configured database: an embedded SQLite file by default, PostgreSQL when given a URL. */
export function openDatabase(
  config: Config["database"],
  options: { searchPath?: string; poolSize?: number } = {},
): DatabaseHandle {
  if (config.dialect === "postgres") {
    const pool = new pg.Pool({
      connectionString: config.url,
      max: options.poolSize ?? 10,
      types: pgTypes,
      ...(config.statements ? { Client: namedStatementClient(config.statements) } : {}),
      ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
    });
    if (config.statements) {
      // Named statements must still be planned for their values each time (as unnamed ones are): a
      // generic plan, which PostgreSQL may switch to after five runs, does not know that one site
      // holds a fifth of the tickets or how rare a searched word is, and chose slower plans for the
      // deep queue page and the ticket search. Parsing once is what is kept.
      pool.on("connect", (client) => {
        client.query("set plan_cache_mode = force_custom_plan").catch(() => undefined);
      });
    }
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      dialect: "postgres",
      close: () => db.destroy(),
      pg: { url: config.url, schema: options.searchPath ?? "public" },
    };
  }
  if (config.file !== ":memory:") mkdirSync(path.dirname(config.file), { recursive: true });
  const sqlite = new SQLite(config.file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: "sqlite", close: () => db.destroy() };
}

/** True when the database answers a trivial query. */
export async function isReady(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/** Recognises a unique-constraint violation on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === "23505" ||
    e?.code === "SQLITE_CONSTRAINT_UNIQUE" ||
    e?.code === "SQLITE_CONSTRAINT_PRIMARYKEY"
  );
}

/** Which database a Kysely instance (or transaction) talks to, for the few statements written per dialect. */
export const isPostgres = (db: Db): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Kysely prepares every statement again for each query; on SQLite preparing was ~18 % of the
 * server's CPU under load. Statements are reusable (they run synchronously), so keep the most recent
 * few hundred by their SQL text.
 */
function withStatementCache(sqlite: SQLite.Database, size = 500) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let stmt = cache.get(text);
      if (stmt) {
        cache.delete(text);
      } else {
        stmt = sqlite.prepare(text);
        if (cache.size >= size) cache.delete(cache.keys().next().value as string);
      }
      cache.set(text, stmt);
      return stmt;
    },
  };
}
