import { z } from "zod";
import { SESSION_COOKIE } from "../../app/app.js";
import type { AppContext } from "../../app/context.js";
import { type App, actorOf, secured } from "../../app/http.js";
import { unauthorized } from "../../shared/errors.js";
import { createdToken, loginInput, me, passwordResetInput, token, tokenInput } from "./auth.schemas.js";

/** Sign-in and sign-out, the current user, API tokens and password resets. */
export function authRoutes(app: App, { auth, users, config }: AppContext) {
  const cookieOptions = {
    path: "/",
    httpOnly: true,
    sameSite: "lax" as const,
    secure: config.secureCookies,
    signed: true,
  };

  async function meView(req: {
    actor: import("../../shared/actor.js").Actor | null;
    sessionId: string | null;
  }) {
    const actor = req.actor;
    if (!actor) throw unauthorized();
    const user = await users.get(actor, actor.userId);
    const session = req.sessionId ? await auth.resolveSession(req.sessionId) : undefined;
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      hubAdmin: user.hubAdmin,
      memberships: user.memberships,
      vendorTeams: user.vendorTeams,
      scopes: [...actor.scopes],
      csrfToken: session?.csrfToken ?? null,
    };
  }

  app.post(
    "/auth/login",
    {
      schema: {
        tags: ["auth"],
        summary: "Sign in and receive a session cookie",
        body: loginInput,
        response: { 200: me },
      },
    },
    async (req, reply) => {
      const { sessionId } = await auth.login(req.body.email, req.body.password, {
        ip: req.ip,
        userAgent: req.headers["user-agent"],
      });
      reply.setCookie(SESSION_COOKIE, sessionId, { ...cookieOptions, maxAge: 30 * 24 * 3600 });
      const session = await auth.resolveSession(sessionId);
      req.actor = session?.actor ?? null;
      req.sessionId = sessionId;
      return meView(req);
    },
  );

  app.post(
    "/auth/logout",
    {
      schema: {
        tags: ["auth"],
        summary: "End the session",
        security: secured,
        response: { 204: z.undefined() },
      },
    },
    async (req, reply) => {
      if (req.sessionId) await auth.logout(req.sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.status(204).send();
    },
  );

  app.get(
    "/me",
    { schema: { tags: ["auth"], summary: "Who am I", security: secured, response: { 200: me } } },
    async (req) => meView(req),
  );

  app.get(
    "/auth/tokens",
    {
      schema: {
        tags: ["auth"],
        summary: "My API tokens",
        security: secured,
        response: { 200: z.object({ items: z.array(token) }) },
      },
    },
    async (req) => {
      const actor = actorOf(req, "users:read");
      auth.requireTokenFree(actor);
      return { items: await auth.listTokens(actor.userId) };
    },
  );

  app.post(
    "/auth/tokens",
    {
      schema: {
        tags: ["auth"],
        summary: "Create an API token (the secret is shown once)",
        security: secured,
        body: tokenInput,
        response: { 201: createdToken },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req, "users:write");
      auth.requireTokenFree(actor);
      return reply.status(201).send(await auth.createToken(actor.userId, req.body));
    },
  );

  app.delete(
    "/auth/tokens/:id",
    {
      schema: {
        tags: ["auth"],
        summary: "Revoke an API token",
        security: secured,
        params: z.strictObject({
          id: z.coerce
            .number()
            .int()
            .positive()
            .max(2 ** 31 - 1),
        }),
        response: { 204: z.undefined() },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req, "users:write");
      auth.requireTokenFree(actor);
      await auth.revokeToken(actor.userId, req.params.id);
      return reply.status(204).send();
    },
  );

  app.post(
    "/auth/password-reset",
    {
      schema: {
        tags: ["auth"],
        summary: "Set a new password with a one-time reset link's token",
        body: passwordResetInput,
        response: { 204: z.undefined() },
      },
    },
    async (req, reply) => {
      await auth.completePasswordReset(req.body.token, req.body.password);
      return reply.status(204).send();
    },
  );
}
