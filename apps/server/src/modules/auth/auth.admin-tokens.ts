import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { type App, actorOf, secured } from "../../app/http.js";
import { token } from "./auth.schemas.js";

const ownedToken = token.extend({
  owner: z.object({ id: z.number(), name: z.string(), email: z.string() }),
});

/** Every user's API tokens, for hub admins: find the ones nobody needs any more and revoke them. */
export function adminTokenRoutes(app: App, { auth }: AppContext) {
  const tags = ["admin"];
  app.get(
    "/admin/tokens",
    {
      schema: {
        tags,
        summary: "Every live API token with its owner (hub admins; never the secret)",
        security: secured,
        response: { 200: z.object({ items: z.array(ownedToken) }) },
      },
    },
    async (req) => {
      const actor = actorOf(req, "users:read");
      auth.requireTokenFree(actor);
      return { items: await auth.listAllTokens(actor) };
    },
  );
  app.delete(
    "/admin/tokens/:id",
    {
      schema: {
        tags,
        summary: "Revoke anyone's API token (hub admins)",
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
      await auth.revokeAnyToken(actor, req.params.id);
      return reply.status(204).send();
    },
  );
}
