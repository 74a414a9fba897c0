import type { ColumnDefinitionBuilder, CreateTableBuilder, Kysely } from "kysely";
import type { Dialect } from "../database.js";

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not as it is now.
export type MigrationDb = Kysely<any>;
export type DialectMigration = { up: (db: MigrationDb, dialect: Dialect) => Promise<void> };

/** An auto-incrementing integer primary key in either dialect. */
export function withId<T extends string>(table: CreateTableBuilder<T, never>, dialect: Dialect) {
  return dialect === "postgres"
    ? table.addColumn("id", "integer", (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

/** Epoch-millisecond times need 64 bits on PostgreSQL; SQLite integers already have them. */
export const timeType = (dialect: Dialect) => (dialect === "postgres" ? "bigint" : "integer");

export const notNull = (c: ColumnDefinitionBuilder) => c.notNull();
