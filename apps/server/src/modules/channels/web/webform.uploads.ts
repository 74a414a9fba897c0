import { invalid } from "../../../shared/errors.js";
import { hmac, safeEqual } from "../../../shared/tokens.js";
import type { StoredFile } from "../../attachments/attachments.store.js";

/** How long an uploaded file waits to be named in a request or reply. */
export const UPLOAD_TTL_MS = 24 * 60 * 60_000;

/**
 * Tokens for files uploaded before the request they belong to exists: the stored file's hash, size,
 * type and name, signed, so nothing is kept per upload and nobody can name a file they did not upload.
 */
export function createUploadTokens(secret: string) {
  const key = hmac(secret, "tierdesk portal upload v1");
  return {
    issue(file: StoredFile, now: number): string {
      const payload = Buffer.from(
        JSON.stringify({
          s: file.sha256,
          n: file.size,
          t: file.contentType,
          f: file.filename,
          e: now + UPLOAD_TTL_MS,
        }),
      ).toString("base64url");
      return `${payload}.${hmac(key, payload)}`;
    },
    /** The files the tokens stand for; a forged, altered or expired token is a 422 naming it. */
    read(tokens: string[], now: number, field: string): StoredFile[] {
      return [...new Set(tokens)].map((token, i) => {
        const [payload = "", mac = ""] = token.split(".");
        const bad = () =>
          invalid(
            "portal.upload_invalid",
            "An attachment token is unknown or expired; upload the file again",
            [{ field: `${field}.${i}`, message: "unknown or expired upload" }],
          );
        if (!safeEqual(mac, hmac(key, payload))) throw bad();
        const f = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
          s: string;
          n: number;
          t: string;
          f: string;
          e: number;
        };
        if (f.e < now) throw bad();
        return { sha256: f.s, size: f.n, contentType: f.t, filename: f.f };
      });
    },
  };
}
