import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * Channel secrets (IMAP and SMTP passwords, WhatsApp tokens) kept in the database sealed with AES-256-GCM,
 * under a key derived from the hub's session secret, so a copy of the database alone does not give them away.
 * They are write-only in the API: replies say whether one is set, never what it is.
 */
export function createSecretBox(sessionSecret: string) {
  const key = Buffer.from(hkdfSync("sha256", sessionSecret, "tierdesk", "tierdesk.channel-secrets.v1", 32));
  return {
    seal(plain: string): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")}`;
    },
    /** The plain secret; throws when it was sealed under another session secret or tampered with. */
    open(sealed: string): string {
      if (!sealed.startsWith("v1.")) throw new Error("unknown secret format");
      const raw = Buffer.from(sealed.slice(3), "base64url");
      const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    },
  };
}
export type SecretBox = ReturnType<typeof createSecretBox>;
