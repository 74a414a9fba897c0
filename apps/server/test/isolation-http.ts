import { randomBytes } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import type { Harness } from "./harness.js";
import { waitFor } from "./harness.js";

// How the isolation matrix (isolation-matrix.test.ts) talks to the app: requests through app.inject as a
// session, an API token or nobody, each caller from an address of its own; live streams over real HTTP.

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Who sends a request: a session (cookie and CSRF token), an API token, or nobody; each from its own address. */
export type Caller = { label: string; cookie?: string; csrf?: string; bearer?: string; ip: string };

/** One request as the matrix sends it; `raw` is a non-JSON body (multipart, iCalendar). */
export type Req = {
  method: Method;
  url: string;
  body?: unknown;
  raw?: { payload: Buffer | string; contentType: string };
};

/** Sends a request as the caller through app.inject. */
export function send(h: Harness, caller: Caller, req: Req): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = {};
  if (caller.cookie) headers.cookie = caller.cookie;
  if (caller.csrf && req.method !== "GET") headers["x-csrf-token"] = caller.csrf;
  if (caller.bearer) headers.authorization = `Bearer ${caller.bearer}`;
  let payload: string | Buffer | undefined;
  if (req.raw) {
    payload = req.raw.payload;
    headers["content-type"] = req.raw.contentType;
  } else if (req.body !== undefined) {
    payload = JSON.stringify(req.body);
    headers["content-type"] = "application/json";
  }
  return h.app.inject({
    method: req.method,
    url: req.url,
    headers,
    remoteAddress: caller.ip,
    ...(payload !== undefined ? { payload } : {}),
  });
}

/** A multipart/form-data body with one file per entry, field `file`. */
export function multipart(files: Array<{ name: string; content: string }>): Req["raw"] {
  const boundary = `----matrix${randomBytes(8).toString("hex")}`;
  const parts = files.map(
    (f) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: text/plain\r\n\r\n${f.content}\r\n`,
  );
  return {
    payload: Buffer.from(`${parts.join("")}--${boundary}--\r\n`),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

let ips = 1;
/** A fresh client address, so each caller has its own rate limits. */
export const nextIp = () => `10.77.${Math.floor(ips / 250)}.${(ips++ % 250) + 1}`;

/** An open event stream over real HTTP (inject cannot read one that never ends): its text so far, and its end. */
export type Stream = { status: number; text: () => string; close: () => Promise<void> };

/** Opens the live event stream as the caller; a refusal is answered at once, with nothing to read. */
export async function openStream(base: string, caller: Caller): Promise<Stream> {
  const controller = new AbortController();
  const headers: Record<string, string> = { accept: "text/event-stream" };
  if (caller.cookie) headers.cookie = caller.cookie;
  if (caller.bearer) headers.authorization = `Bearer ${caller.bearer}`;
  const res = await fetch(`${base}/api/v1/events/stream`, { headers, signal: controller.signal });
  if (res.status !== 200) {
    const body = await res.text();
    return { status: res.status, text: () => body, close: async () => {} };
  }
  const received: string[] = [];
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      received.push(decoder.decode(value, { stream: true }));
    }
  })();
  await waitFor("the stream to be ready", async () => received.join("").includes("event: ready"));
  return {
    status: 200,
    text: () => received.join(""),
    close: async () => {
      controller.abort();
      await pump;
    },
  };
}
