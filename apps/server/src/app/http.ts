import type { IncomingMessage, ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawServerDefault } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { malformedUpload } from "../modules/attachments/attachments.store.js";
import type { AuthService } from "../modules/auth/auth.service.js";
import type { Actor, Scope } from "../shared/actor.js";
import { forbidden, unauthorized } from "../shared/errors.js";

/** The Fastify instance with zod schemas on every route. */
export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

declare module "fastify" {
  interface FastifyRequest {
    actor: Actor | null;
    sessionId: string | null;
  }
}

/** The signed-in actor, who must hold the scope (tokens carry some scopes, sessions all). */
export function actorOf(req: FastifyRequest, scope: Scope): Actor {
  const actor = req.actor;
  if (!actor) throw unauthorized();
  if (!actor.scopes.has(scope)) throw forbidden("auth.scope_missing", `This token lacks the ${scope} scope`);
  return actor;
}

/**
 * Reads the request's actor again later through the same session or API token, for long-lived
 * streams: undefined once the credential ended or no longer carries the scope.
 */
export function actorReloader(
  req: FastifyRequest,
  auth: Pick<AuthService, "resolveSession" | "resolveToken">,
  scope: Scope,
): () => Promise<Actor | undefined> {
  const sessionId = req.sessionId;
  const [scheme, token] = (req.headers.authorization ?? "").split(" ");
  const bearer = !sessionId && scheme?.toLowerCase() === "bearer" && token ? token : null;
  return async () => {
    const actor = sessionId
      ? (await auth.resolveSession(sessionId))?.actor
      : bearer
        ? await auth.resolveToken(bearer)
        : undefined;
    return actor?.scopes.has(scope) ? actor : undefined;
  };
}

/** OpenAPI security requirement shared by authenticated routes. */
export const secured: Array<Record<string, string[]>> = [{ session: [] }, { bearer: [] }];

/** OpenAPI security of routes the public may call too (the empty requirement means "none"). */
export const optionalAuth: Array<Record<string, string[]>> = [...secured, {}];

/** The files of a multipart upload, one at a time; a body that breaks off between files is a 400 problem. */
export async function* uploadedFiles(
  req: FastifyRequest,
): AsyncGenerator<{ stream: Readable; filename: string | undefined }> {
  try {
    for await (const file of req.files()) yield { stream: file.file, filename: file.filename };
  } catch (e) {
    throw malformedUpload(e);
  }
}
