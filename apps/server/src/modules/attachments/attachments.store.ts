import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, rename, stat, unlink } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileTypeFromFile } from "file-type";
import { AppError } from "../../shared/errors.js";

// Sniffed binary types we keep; anything else (HTML, SVG, scripts, executables) is refused.
const BINARY_TYPES = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "application/pdf",
  "application/zip",
  "application/gzip",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  "application/vnd.oasis.opendocument.spreadsheet",
  "application/vnd.oasis.opendocument.text",
  "audio/ogg",
  "audio/mpeg",
  "audio/mp4",
  "video/mp4",
]);
// Plain-text files are recognised by name and must really be UTF-8 text.
const TEXT_TYPES: Record<string, string> = {
  ".txt": "text/plain",
  ".log": "text/plain",
  ".csv": "text/csv",
  ".json": "application/json",
  ".md": "text/markdown",
};
export const INLINE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

export type StoredFile = { sha256: string; size: number; contentType: string; filename: string };
/** An upload checked and waiting in the data folder's tmp/, not yet filed under its hash. */
export type StagedFile = StoredFile & { tempFile: string };

/** Cleans a client-supplied file name: no path, no control characters, bounded length. */
export function safeFilename(name: string | undefined): string {
  const base = (name ?? "").split(/[\\/]/).pop() ?? "";
  const cleaned = [...base]
    .map((ch) => (ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127 || '"<>|*?:'.includes(ch) ? "_" : ch))
    .join("")
    .trim()
    .slice(-200);
  return cleaned.toWellFormed() || "attachment";
}

/**
 * Files kept under the data folder by their SHA-256, so identical uploads share one copy and a
 * name never decides where a file lands.
 */
export function createAttachmentStore({ dataDir, maxBytes }: { dataDir: string; maxBytes: number }) {
  const root = path.join(dataDir, "attachments");
  const tmp = path.join(dataDir, "tmp");
  const blobPath = (sha: string) => path.join(root, sha.slice(0, 2), sha.slice(2, 4), sha);

  async function detect(file: string, filename: string, size: number): Promise<string> {
    const sniffed = await fileTypeFromFile(file);
    if (sniffed) {
      if (BINARY_TYPES.has(sniffed.mime)) return sniffed.mime;
      throw unsupported(filename, sniffed.mime);
    }
    const textType = TEXT_TYPES[path.extname(filename).toLowerCase()];
    if (!textType) throw unsupported(filename, "unknown");
    const handle = await open(file, "r");
    try {
      const buf = Buffer.alloc(Math.min(size, 1024 * 1024));
      await handle.read(buf, 0, buf.length, 0);
      const head = buf.subarray(0, buf.length);
      if (head.includes(0)) throw unsupported(filename, "binary");
      // A cut in the middle of a multi-byte character at the 1 MiB mark is not an error.
      const probe = size > buf.length ? head.subarray(0, Math.max(0, head.length - 4)) : head;
      if (!isUtf8Text(probe)) throw unsupported(filename, "non-UTF-8 text");
    } finally {
      await handle.close();
    }
    return textType;
  }

  return {
    /** Streams an upload to tmp/, hashing, bounding and checking it; `place` files it once all are good. */
    async stage(stream: Readable, rawName: string | undefined): Promise<StagedFile> {
      const filename = safeFilename(rawName);
      await mkdir(tmp, { recursive: true });
      const tempFile = path.join(tmp, randomUUID());
      const hash = createHash("sha256");
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          if (size > maxBytes) return done(tooLarge(maxBytes));
          hash.update(chunk);
          done(null, chunk);
        },
      });
      try {
        await pipeline(stream, meter, createWriteStream(tempFile, { mode: 0o600 }));
        if ((stream as Readable & { truncated?: boolean }).truncated) throw tooLarge(maxBytes);
        if (size === 0)
          throw new AppError(422, "attachment.empty", `${filename} is empty`, [
            { field: "file", message: "empty file" },
          ]);
        const contentType = await detect(tempFile, filename, size);
        return { sha256: hash.digest("hex"), size, contentType, filename, tempFile };
      } catch (e) {
        await unlink(tempFile).catch(() => undefined);
        // An error of the upload stream itself (not of our checks or of the disk): the body broke off.
        throw e === stream.errored ? malformedUpload(e) : e;
      }
    },
    /** Files a staged upload under its hash (an identical file already there is kept). */
    async place(file: StagedFile): Promise<StoredFile> {
      const dest = blobPath(file.sha256);
      await mkdir(path.dirname(dest), { recursive: true });
      await rename(file.tempFile, dest);
      const { tempFile: _, ...stored } = file;
      return stored;
    },
    /** Drops staged uploads of a request that failed. */
    async discard(files: StagedFile[]): Promise<void> {
      await Promise.all(files.map((f) => unlink(f.tempFile).catch(() => undefined)));
    },
    async open(sha256: string): Promise<{ stream: Readable; size: number }> {
      if (!/^[0-9a-f]{64}$/.test(sha256))
        throw new AppError(404, "attachment.not_found", "No such attachment");
      const file = blobPath(sha256);
      const info = await stat(file).catch(() => undefined);
      if (!info) throw new AppError(404, "attachment.not_found", "The attachment's file is missing");
      return { stream: createReadStream(file), size: info.size };
    },
  };
}
export type AttachmentStore = ReturnType<typeof createAttachmentStore>;

const isUtf8Text = (buf: Buffer): boolean => {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(buf);
    return true;
  } catch {
    return false;
  }
};

const tooLarge = (max: number) =>
  new AppError(
    413,
    "attachment.too_large",
    `Attachments may be at most ${Math.floor(max / 1024 / 1024)} MiB`,
    [{ field: "file", message: `larger than ${max} bytes` }],
  );

const unsupported = (filename: string, kind: string) =>
  new AppError(
    415,
    "attachment.unsupported_type",
    `${filename}: this kind of file (${kind}) is not accepted`,
    [
      {
        field: "file",
        message: "accepted: images, PDF, office documents, zip, audio, video, plain text, CSV, JSON, logs",
      },
    ],
  );

/**
 * A multipart body that ends early or cannot be parsed, as a 400 problem; errors that already carry an
 * HTTP status (ours, or the multipart plugin's limits) are kept as they are.
 */
export function malformedUpload(e: unknown): unknown {
  if (e instanceof AppError || (e instanceof Error && "statusCode" in e)) return e;
  return new AppError(400, "request.malformed_multipart", "The upload is incomplete or malformed", [
    { field: "file", message: "the multipart body ended early or could not be read" },
  ]);
}
