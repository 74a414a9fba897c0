import type { AppContext } from "./context.js";

/**
 * Background work of a process: the job queues and the SLA sweep that fires warnings and breaches
 * on time. Runs inside `tierdesk serve` (unless --no-worker) and alone in `tierdesk worker`; several
 * processes may run it at once.
 */
export async function startBackground(ctx: AppContext, options: { sweepMs?: number } = {}) {
  const sweepMs = options.sweepMs ?? ctx.config.slaSweepSeconds * 1000;
  await ctx.jobs.startWorking();
  // Mail in: IMAP readers (and the SMTP listener when EMAIL_SMTP_LISTEN is set) run where jobs run.
  const email = await ctx.email.start();
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
  // Daily digests fall due on the hour; a minute's sweep sends them on time without a job per person.
  let digesting: Promise<unknown> | undefined;
  const digestTimer = setInterval(() => {
    digesting ??= ctx.notifications
      .sweepDigests()
      .catch((e) => ctx.log.error({ err: e }, "digest sweep failed"))
      .finally(() => {
        digesting = undefined;
      });
  }, 60_000);
  return {
    async stop() {
      await email.stop();
      clearInterval(timer);
      clearInterval(digestTimer);
      await digesting;
      await sweeping;
      await ctx.jobs.stop();
    },
  };
}
