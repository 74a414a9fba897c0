import type { FastifyReply, FastifyRequest } from "fastify";

/** Users' files: nothing in them runs, loads or frames, whatever a browser makes of them. */
export const FILE_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'";

// JSON, problems and plain answers are no documents: nothing loads from them and nothing frames them.
// Pages (the web app, the docs, the reset page) and files replace this with their own policy.
const DATA_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * The swagger UI page loads only its own scripts and styles; its one inline style, the <style> inside the small
 * swagger logo it draws (in @fastify/swagger-ui 6), is allowed by its hash (e2e/security.e2e.test.ts fails
 * naming the new hash if an upgrade changes it). The OpenAPI document and "try it out" calls go to this origin;
 * the logo is a data: image. No upgrade-insecure-requests: the hub may run on plain http on a private network.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** The headers every answer starts with; the HSTS one only when people reach the hub over https. */
export function baseHeaders(publicUrl: string): Record<string, string> {
  const headers: Record<string, string> = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "content-security-policy": DATA_CSP,
  };
  if (new URL(publicUrl).protocol === "https:")
    headers["strict-transport-security"] = "max-age=31536000; includeSubDomains";
  return headers;
}

/**
 * Puts the base headers on an answer, and `Cache-Control: no-store` on every /api answer (they hold
 * personal data; a route whose answer is public and cacheable says so itself). Called when a request
 * arrives, so problems, refusals by later hooks and hijacked streams (reply.getHeaders()) carry them too.
 */
export function securityHeaders(publicUrl: string) {
  const headers = baseHeaders(publicUrl);
  return (req: FastifyRequest, reply: FastifyReply) => {
    reply.headers(headers);
    if (req.url === "/api" || req.url.startsWith("/api/")) reply.header("cache-control", "no-store");
  };
}
