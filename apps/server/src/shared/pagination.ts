import { badRequest } from "./errors.js";

/** Opaque keyset cursors: the sort value and id of the last row of a page. */
export function encodeCursor(values: Array<string | number | null>): string {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

export function decodeCursor(cursor: string, length: number): Array<string | number | null> {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (
      Array.isArray(parsed) &&
      parsed.length === length &&
      parsed.every((v) => v === null || typeof v === "number" || typeof v === "string")
    ) {
      return parsed;
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest("request.invalid_cursor", "The cursor is not one this server gave out", [
    { field: "cursor", message: "invalid cursor" },
  ]);
}
