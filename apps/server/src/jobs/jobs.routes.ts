import { z } from "zod";
import type { AppContext } from "../app/context.js";
import { type App, actorOf, secured } from "../app/http.js";
import { forbidden, notFound } from "../shared/errors.js";

const deadJob = z.object({
  id: z.string(),
  name: z.string(),
  payload: z.record(z.string(), z.unknown()),
  attempts: z.number(),
  lastError: z.string().nullable(),
  failedAt: z.string(),
});

/** The dead-letter list: jobs whose retries are spent, for hub admins to inspect and run again. */
export function jobRoutes(app: App, { jobs }: AppContext) {
  const tags = ["admin"];
  app.get(
    "/admin/jobs/dead",
    {
      schema: {
        tags,
        summary: "Jobs that failed every retry (hub admins)",
        security: secured,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ backend: z.string(), items: z.array(deadJob) }) },
      },
    },
    async (req) => {
      if (!actorOf(req, "users:read").hubAdmin) throw forbidden();
      return { backend: jobs.backend, items: await jobs.deadLetters(req.query.limit) };
    },
  );
  app.post(
    "/admin/jobs/dead/:id/retry",
    {
      schema: {
        tags,
        summary: "Queue a dead job again (hub admins)",
        security: secured,
        params: z.strictObject({ id: z.string().max(200) }),
        response: { 204: z.undefined() },
      },
    },
    async (req, reply) => {
      if (!actorOf(req, "users:write").hubAdmin) throw forbidden();
      if (!(await jobs.retryDead(req.params.id))) throw notFound("job.not_found", "No such dead job");
      return reply.status(204).send();
    },
  );
}
