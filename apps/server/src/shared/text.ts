import { sql } from "kysely";
import { z } from "zod";

/**
 * Text from the outside world: well-formed Unicode, no NUL (PostgreSQL refuses it), trimmed,
 * and bounded so that one request cannot fill the database.
 */
export const text = (max: number, min = 1) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((s) => !s.includes("\u0000"), { message: "must not contain NUL characters" })
    .refine((s) => s.isWellFormed(), { message: "must be valid Unicode" });

/** Finds strings anywhere in a parsed JSON value that the database could not store faithfully. */
export function findBadString(value: unknown, at = ""): string | null {
  if (typeof value === "string") {
    return value.includes("\u0000") || !value.isWellFormed() ? at || "(body)" : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = findBadString(value[i], `${at}[${i}]`);
      if (bad) return bad;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const bad = findBadString(k, at ? `${at}.${k}` : k) ?? findBadString(v, at ? `${at}.${k}` : k);
      if (bad) return bad;
    }
  }
  return null;
}

/** Escapes LIKE wildcards so user text matches literally (with `escape '\'`). */
export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A case-insensitive "contains" test on a column, with LIKE wildcards in the text matched literally.
 * SQLite has no default LIKE escape character, so it is named for both databases.
 */
export const containsText = (column: string, text: string) =>
  sql<boolean>`lower(${sql.ref(column)}) like ${`%${escapeLike(text.toLowerCase())}%`} escape '\\'`;
