import { isUtf8 } from "node:buffer";
import { randomUUID } from "node:crypto";
import fastifyCookie from "@fastify/cookie";
import fastifyMultipart from "@fastify/multipart";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyBaseLogger } from "fastify";
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import sjson from "secure-json-parse";
import { isReady } from "../db/database.js";
import { jobRoutes } from "../jobs/jobs.routes.js";
import { adminTokenRoutes } from "../modules/auth/auth.admin-tokens.js";
import { passwordResetPage } from "../modules/auth/auth.pages.js";
import { authRoutes } from "../modules/auth/auth.routes.js";
import { calendarRoutes } from "../modules/calendars/calendars.routes.js";
import { cannedRoutes } from "../modules/canned/canned.routes.js";
import { categoryRoutes } from "../modules/categories/categories.routes.js";
import { emailRoutes } from "../modules/channels/email/email.routes.js";
import { callRoutes } from "../modules/channels/phone/calls.routes.js";
import { webFormRoutes } from "../modules/channels/web/webform.routes.js";
import { whatsappRoutes } from "../modules/channels/whatsapp/whatsapp.routes.js";
import { chatbotRoutes } from "../modules/chatbot/chatbot.routes.js";
import { deferralRoutes } from "../modules/deferrals/deferrals.routes.js";
import { escalationRoutes } from "../modules/escalation/escalation.routes.js";
import { kbFeedbackRoutes } from "../modules/kb/kb.feedback.js";
import { articleDraftRoutes } from "../modules/kb/kb.fromticket.js";
import { kbRoutes } from "../modules/kb/kb.routes.js";
import { linkRoutes } from "../modules/links/links.routes.js";
import { notificationRoutes } from "../modules/notifications/notifications.routes.js";
import { releaseRoutes } from "../modules/releases/releases.routes.js";
import { siteRoutes } from "../modules/sites/sites.routes.js";
import { slaRoutes } from "../modules/sla/sla.routes.js";
import { ticketRoutes } from "../modules/tickets/tickets.routes.js";
import { userRoutes } from "../modules/users/users.routes.js";
import { vendorRoutes } from "../modules/vendors/vendors.routes.js";
import { workspaceRoutes } from "../modules/workspace/workspace.routes.js";
import { AppError, badRequest, forbidden, unauthorized } from "../shared/errors.js";
import { findBadString, jsonTooDeep, MAX_JSON_DEPTH } from "../shared/text.js";
import { safeEqual } from "../shared/tokens.js";
import type { AppContext } from "./context.js";
import { DOCS_CSP, securityHeaders } from "./headers.js";
import type { App } from "./http.js";
import { handleError } from "./problems.js";
import { webRoutes } from "./web.js";

export const SESSION_COOKIE = "tierdesk_session";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
// Routes that act before a session exists, so a stale cookie must not block them.
const CSRF_EXEMPT = new Set(["/api/v1/auth/login", "/api/v1/auth/password-reset"]);

/** Builds the HTTP app: plugins, the JSON parser, authentication, CSRF, problem errors and every route. */
export async function buildApp(
  ctx: AppContext,
  options: { logger?: boolean; webDist?: string } = {},
): Promise<App> {
  const { config } = ctx;
  const withHeaders = securityHeaders(config.publicUrl);
  const app = Fastify({
    ...(options.logger === false ? { logger: false } : { loggerInstance: ctx.log as FastifyBaseLogger }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    requestIdHeader: "x-request-id",
    genReqId: () => randomUUID(),
    routerOptions: { maxParamLength: 200 },
    // Bad percent-encoding and over-long path parameters are refused before routing; answer them as problems too.
    frameworkErrors: (error, req, reply) => {
      withHeaders(req, reply);
      return handleError(error, req, reply);
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((req, reply) =>
    handleError(
      new AppError(404, "route.not_found", `No route ${req.method} ${req.url.split("?")[0]}`),
      req,
      reply,
    ),
  );

  // JSON must be valid UTF-8, nest at most MAX_JSON_DEPTH levels, and be free of prototype tricks and NUL
  // characters the database would refuse.
  app.removeContentTypeParser("application/json");
  // Fastify parses text/plain by default; no route takes it, so it must be a 415 like any other media type.
  app.removeContentTypeParser("text/plain");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_req, body: Buffer, done) => {
    if (!isUtf8(body))
      return done(badRequest("request.invalid_utf8", "The body is not valid UTF-8"), undefined);
    const text = body.toString("utf8");
    // Checked on the text, before parsing: zod and the string check below walk the parsed value.
    if (jsonTooDeep(text))
      return done(
        badRequest(
          "request.too_deep",
          `JSON may nest objects and arrays at most ${MAX_JSON_DEPTH} levels deep`,
          [{ field: "(body)", message: "nested too deep" }],
        ),
        undefined,
      );
    let value: unknown;
    try {
      value = sjson.parse(text, undefined, {
        protoAction: "error",
        constructorAction: "error",
      });
    } catch {
      return done(badRequest("request.malformed_json", "The body is not valid JSON"), undefined);
    }
    const bad = findBadString(value);
    if (bad) {
      return done(
        badRequest("request.invalid_text", "Text must be valid Unicode without NUL characters", [
          { field: bad, message: "invalid characters" },
        ]),
        undefined,
      );
    }
    done(null, value);
  });

  await app.register(fastifyCookie, { secret: config.sessionSecret, hook: "onRequest" });
  await app.register(fastifyMultipart, {
    limits: {
      fileSize: config.attachmentMaxBytes,
      files: 10,
      fields: 5,
      parts: 20,
      fieldSize: 1024,
      headerPairs: 200,
    },
    throwFileSizeLimit: true,
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Tierdesk API",
        version: "1",
        description:
          "The tiered support hub's REST API. Errors are application/problem+json with a stable `code`. " +
          "Sign in with POST /api/v1/auth/login (cookie + X-CSRF-Token for writes) or send an API token as `Authorization: Bearer tdk_…`.",
      },
      components: {
        securitySchemes: {
          session: { type: "apiKey", in: "cookie", name: SESSION_COOKIE },
          bearer: { type: "http", scheme: "bearer" },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/api/docs", staticCSP: DOCS_CSP });

  app.decorateRequest("actor", null);
  app.decorateRequest("sessionId", null);
  // Open event streams would keep close() waiting for ever.
  app.addHook("preClose", async () => ctx.live.stop());
  app.addHook("onRequest", async (req, reply) => {
    withHeaders(req, reply);
    const authz = req.headers.authorization;
    if (authz) {
      const [scheme, token] = authz.split(" ");
      const actor =
        scheme?.toLowerCase() === "bearer" && token ? await ctx.auth.resolveToken(token) : undefined;
      if (!actor) throw unauthorized("auth.invalid_token", "The API token is unknown, expired or revoked");
      req.actor = actor;
      return;
    }
    const raw = req.cookies[SESSION_COOKIE];
    if (!raw) return;
    const unsigned = req.unsignCookie(raw);
    const session =
      unsigned.valid && unsigned.value ? await ctx.auth.resolveSession(unsigned.value) : undefined;
    if (!session || !unsigned.value) return;
    if (!SAFE_METHODS.has(req.method) && !CSRF_EXEMPT.has(req.url.split("?")[0] ?? "")) {
      const sent = req.headers["x-csrf-token"];
      if (typeof sent !== "string" || !safeEqual(sent, session.csrfToken)) {
        throw forbidden("auth.csrf_failed", "Missing or wrong X-CSRF-Token header");
      }
    }
    req.actor = session.actor;
    req.sessionId = unsigned.value;
  });

  app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok" }));
  app.get("/readyz", { schema: { hide: true } }, async (_req, reply) =>
    (await isReady(ctx.database.db))
      ? { status: "ready", database: ctx.database.dialect }
      : reply.status(503).type("application/problem+json").send({
          type: "urn:tierdesk:problem:db.unavailable",
          title: "Database unreachable",
          status: 503,
          code: "db.unavailable",
        }),
  );
  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  passwordResetPage(app);

  await app.register(
    async (api) => {
      authRoutes(api as App, ctx);
      siteRoutes(api as App, ctx);
      userRoutes(api as App, ctx);
      vendorRoutes(api as App, ctx);
      ticketRoutes(api as App, ctx);
      escalationRoutes(api as App, ctx);
      categoryRoutes(api as App, ctx);
      notificationRoutes(api as App, ctx);
      releaseRoutes(api as App, ctx);
      deferralRoutes(api as App, ctx);
      calendarRoutes(api as App, ctx);
      slaRoutes(api as App, ctx);
      jobRoutes(api as App, ctx);
      adminTokenRoutes(api as App, ctx);
      kbRoutes(api as App, ctx);
      kbFeedbackRoutes(api as App, ctx);
      articleDraftRoutes(api as App, ctx);
      chatbotRoutes(api as App, ctx);
      webFormRoutes(api as App, ctx);
      callRoutes(api as App, ctx);
      whatsappRoutes(api as App, ctx);
      emailRoutes(api as App, ctx);
      workspaceRoutes(api as App, ctx);
      cannedRoutes(api as App, ctx);
      linkRoutes(api as App, ctx);
    },
    { prefix: "/api/v1" },
  );
  await webRoutes(app as unknown as App, { distDir: options.webDist });
  return app as unknown as App;
}
