import type { AppContext } from "./context.js";

/**
 * Background work of a process: the job queues and the SLA sweep that fires warnings and breaches
 * on time. Runs inside `tierdesk serve` (unless --no-worker) and alone in `tierdesk worker`; several
 * processes may run it at once.
 */
export async function startBackground(ctx: AppContext, options: { sweepMs?: number } = {}) {
  const sweepMs = options.sweepMs ?? ctx.config.slaSweepSeconds * 1000;
  await ctx.jobs.startWorking();
  let sweeping: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = ctx.sla
      .sweep()
      .catch((e) => ctx.log.error({ err: e }, "SLA sweep failed"))
      .finally(() => {
        sweeping = undefined;
      });
  }, sweepMs);
  return {
    async stop() {
      clearInterval(timer);
      await sweeping;
      await ctx.jobs.stop();
    },
  };
}
