import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { type App, actorOf, secured } from "../../app/http.js";
import { passwordResetLink } from "../auth/auth.schemas.js";
import { user, userInput, userListQuery, userParams, userUpdate } from "./users.schemas.js";

/** Users and their memberships; password-reset links. */
export function userRoutes(app: App, { users, auth }: AppContext) {
  const tags = ["users"];
  app.get(
    "/users",
    {
      schema: {
        tags,
        summary: "Users of the sites I may see (everyone, for hub admins)",
        security: secured,
        querystring: userListQuery,
        response: { 200: z.object({ items: z.array(user) }) },
      },
    },
    async (req) => ({ items: await users.list(actorOf(req, "users:read"), req.query) }),
  );
  app.post(
    "/users",
    {
      schema: {
        tags,
        summary: "Add a user (hub admins)",
        security: secured,
        body: userInput,
        response: { 201: user },
      },
    },
    async (req, reply) => reply.status(201).send(await users.create(actorOf(req, "users:write"), req.body)),
  );
  app.get(
    "/users/:id",
    { schema: { tags, summary: "One user", security: secured, params: userParams, response: { 200: user } } },
    async (req) => users.get(actorOf(req, "users:read"), req.params.id),
  );
  app.patch(
    "/users/:id",
    {
      schema: {
        tags,
        summary: "Change a user (hub admins)",
        security: secured,
        params: userParams,
        body: userUpdate,
        response: { 200: user },
      },
    },
    async (req) => users.update(actorOf(req, "users:write"), req.params.id, req.body),
  );
  app.post(
    "/users/:id/password-reset",
    {
      schema: {
        tags,
        summary: "Issue a one-time password-reset link (hub admins; site admins for their site's people)",
        security: secured,
        params: userParams,
        response: { 201: passwordResetLink },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await auth.issuePasswordReset(actorOf(req, "users:write"), req.params.id)),
  );
}
