import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileTypeFromBuffer } from "file-type";

/** Images a page may show; SVG is left out because it can carry script. */
const IMAGE_TYPES: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/gif": "gif",
  "image/webp": "webp",
};
const NAME = /^([a-f0-9]{64})\.(png|jpg|gif|webp)$/;
const TYPE_OF_EXT: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
};
export const ASSET_PATH = "/api/v1/kb/assets/";

/** Images of imported pages, kept in the data folder under their SHA-256 so a re-import stores nothing twice. */
export function createAssetStore(root: string) {
  return {
    /** Keeps an image (recognised by its content, not its name) and gives its address; undefined if not an image. */
    async store(bytes: Buffer): Promise<string | undefined> {
      const type = (await fileTypeFromBuffer(bytes))?.mime;
      const ext = type ? IMAGE_TYPES[type] : undefined;
      if (!ext) return undefined;
      const name = `${createHash("sha256").update(bytes).digest("hex")}.${ext}`;
      await mkdir(root, { recursive: true });
      const temp = path.join(root, `.${name}.${process.pid}.tmp`);
      await writeFile(temp, bytes);
      await rename(temp, path.join(root, name));
      return `${ASSET_PATH}${name}`;
    },

    /** The image with this name, if it is one we stored. */
    async read(name: string): Promise<{ bytes: Buffer; type: string } | undefined> {
      const m = NAME.exec(name);
      if (!m) return undefined;
      try {
        return { bytes: await readFile(path.join(root, name)), type: TYPE_OF_EXT[m[2] as string] as string };
      } catch {
        return undefined;
      }
    },
  };
}
