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

/** How deep JSON bodies may nest objects and arrays; no request of ours needs more than a few levels. */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether JSON text nests objects and arrays deeper than `max`, read in one pass over the text
 * (brackets inside strings do not count), so a hostile body is refused before anything recurses over it.
 */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * Finds strings anywhere in a parsed JSON value that the database could not store faithfully.
 * Walks with a stack of its own rather than recursion, so no nesting can overflow the call stack.
 */
export function findBadString(value: unknown): string | null {
  const stack: Array<[unknown, string]> = [[value, ""]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [v, at] = next;
    if (typeof v === "string") {
      if (v.includes("\u0000") || !v.isWellFormed()) return at || "(body)";
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${at}[${i}]`]);
    } else if (v && typeof v === "object") {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i] as [string, unknown];
        const where = at ? `${at}.${k}` : k;
        stack.push([child, where], [k, where]);
      }
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
