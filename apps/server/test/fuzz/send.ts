import type { LightMyRequestResponse } from "fastify";
import type { App } from "../../src/app/http.js";
import type { Client } from "../harness.js";
import type { FuzzCase, Operation } from "./operations.js";
import type { Answer } from "./verdict.js";

/** Sends one case as one actor and returns the status, content type, body and time taken. */
export async function send(
  app: App,
  op: Operation,
  c: FuzzCase,
  client: Client,
  address: string,
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (client.cookie) headers.cookie = client.cookie;
  if (client.csrf && c.method !== "GET") headers["x-csrf-token"] = client.csrf;
  if (client.bearer) headers.authorization = `Bearer ${client.bearer}`;
  Object.assign(headers, c.headers);
  const started = performance.now();
  let status: number;
  let type: string;
  let body: string;
  if (op.stream) {
    const abort = new AbortController();
    const res = await app.inject({
      method: c.method,
      url: c.url,
      headers,
      remoteAddress: address,
      payloadAsStream: true,
      signal: abort.signal,
      ...(c.payload !== undefined ? { payload: c.payload } : {}),
    });
    status = res.statusCode;
    type = String(res.headers["content-type"] ?? "");
    if (type.startsWith("text/event-stream")) {
      abort.abort();
      body = "";
    } else {
      const chunks: Buffer[] = [];
      for await (const chunk of res.stream()) chunks.push(chunk as Buffer);
      body = Buffer.concat(chunks).toString("utf8");
    }
  } else {
    const res: LightMyRequestResponse = await app.inject({
      method: c.method,
      url: c.url,
      headers,
      remoteAddress: address,
      ...(c.payload !== undefined ? { payload: c.payload } : {}),
    });
    status = res.statusCode;
    type = String(res.headers["content-type"] ?? "");
    body = res.body;
  }
  return { status, type, body, ms: performance.now() - started };
}

/** The start of a request or answer for a report, JSON-quoted, with its full length when cut. */
export const excerpt = (s: string | Buffer | undefined, n = 240) => {
  if (s === undefined) return "";
  const text = typeof s === "string" ? s : s.toString("latin1");
  return text.length > n
    ? `${JSON.stringify(text.slice(0, n))}… (${text.length} chars)`
    : JSON.stringify(text);
};
