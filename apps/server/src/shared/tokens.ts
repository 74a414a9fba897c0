import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** A random, URL-safe secret with 256 bits of entropy. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString("base64url");

/** High-entropy tokens are stored as their SHA-256 so a database leak yields no usable secret. */
export const sha256 = (value: string | Buffer): string => createHash("sha256").update(value).digest("hex");

export const hmac = (secret: string, value: string): string =>
  createHmac("sha256", secret).update(value).digest("base64url");

/** Compares two strings in time that does not depend on where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
