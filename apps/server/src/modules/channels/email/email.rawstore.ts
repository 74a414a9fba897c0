import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * The original of every mail taken in, kept as received in the data folder under its SHA-256, so a
 * reply's trimmed text never loses what was quoted and a message can be parsed again later. Writing
 * the same mail twice (a retried fetch) lands on the same file.
 */
export function createRawStore(dataDir: string) {
  const root = path.join(dataDir, "mail");
  const fileOf = (sha: string) => path.join(root, sha.slice(0, 2), sha.slice(2, 4), `${sha}.eml`);
  return {
    /** Stores the raw message and answers its hash. */
    async put(raw: Buffer): Promise<string> {
      const sha = createHash("sha256").update(raw).digest("hex");
      const file = fileOf(sha);
      if (await stat(file).catch(() => undefined)) return sha;
      await mkdir(path.dirname(file), { recursive: true });
      const temp = `${file}.${randomUUID()}.tmp`;
      await writeFile(temp, raw, { mode: 0o600 });
      await rename(temp, file);
      return sha;
    },
    async get(sha: string): Promise<Buffer | null> {
      if (!/^[0-9a-f]{64}$/.test(sha)) return null;
      return readFile(fileOf(sha)).catch(() => null);
    },
  };
}
export type RawStore = ReturnType<typeof createRawStore>;
