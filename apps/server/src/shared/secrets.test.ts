import { describe, expect, it } from "vitest";
import { createSecretBox } from "./secrets.js";

describe("sealed channel secrets", () => {
  it("a sealed secret opens with the same hub secret and differs from the plain text", () => {
    const box = createSecretBox("a".repeat(64));
    const sealed = box.seal("imap-password-é");
    expect(sealed).not.toContain("imap-password");
    expect(box.open(sealed)).toBe("imap-password-é");
    expect(box.seal("same")).not.toBe(box.seal("same"));
  });

  it("a secret sealed under another hub secret, or tampered with, does not open", () => {
    const sealed = createSecretBox("a".repeat(64)).seal("token");
    expect(() => createSecretBox("b".repeat(64)).open(sealed)).toThrow();
    const flipped = `${sealed.slice(0, -2)}${sealed.endsWith("A") ? "B" : "A"}${sealed.slice(-1)}`;
    expect(() => createSecretBox("a".repeat(64)).open(flipped)).toThrow();
  });
});
