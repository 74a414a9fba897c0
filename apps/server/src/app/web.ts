import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import { AppError } from "../shared/errors.js";
import type { App } from "./http.js";
import { handleError } from "./problems.js";

/** Where `npm run build -w apps/web` writes the web app, from apps/server/{src,dist}/app/. */
export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../web/dist");

// The app is its own origin: scripts, styles and API calls only from here; no framing, no plugins.
const CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * Serves the built web app at /: hashed assets cached for a year, precompressed (.br/.gz) when the browser
 * accepts it; every other GET outside /api answers index.html, uncached, so client routes survive a reload.
 * Without a build the server still runs (API only) and / says how to build the app.
 */
export async function webRoutes(app: App, options: { distDir?: string } = {}) {
  const root = options.distDir ?? WEB_DIST;
  if (!existsSync(path.join(root, "index.html"))) {
    app.log.warn({ root }, "web app not built: serving the API only (run `npm run build`)");
    app.get("/", { schema: { hide: true } }, async (_req, reply) =>
      reply
        .type("text/html")
        .send(
          `<!doctype html><meta charset="utf-8"><title>Tierdesk</title><h1>Tierdesk</h1><p>The support hub's API is running; the web app is not built (<code>npm run build</code>). <a href="/api/docs">API documentation</a></p>`,
        ),
    );
    return;
  }

  await app.register(async (web) => {
    await web.register(fastifyStatic, { root, serve: false, preCompressed: true, cacheControl: false });

    web.get("/assets/*", { schema: { hide: true } }, async (req, reply) => {
      const file = (req.params as { "*": string })["*"];
      // file names carry a content hash, so a cached copy never goes stale
      reply.header("cache-control", "public, max-age=31536000, immutable");
      return reply.sendFile(`assets/${file}`);
    });

    web.get("/*", { schema: { hide: true } }, async (req, reply) => {
      const url = req.url.split("?")[0] ?? "/";
      if (url.startsWith("/api/") || url === "/api") {
        return handleError(new AppError(404, "route.not_found", `No route GET ${url}`), req, reply);
      }
      reply.header("cache-control", "no-cache");
      reply.header("content-security-policy", CSP);
      return reply.sendFile("index.html");
    });
  });
}
