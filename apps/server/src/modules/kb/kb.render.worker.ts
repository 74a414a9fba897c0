/**
 * The worker thread that renders large articles for kb.render.ts, so that a slow text keeps only this
 * thread busy and can be stopped when it runs out of time.
 */
import { parentPort } from "node:worker_threads";
import { renderMarkdown } from "./kb.markdown.js";
import type { RenderJob, RenderReply } from "./kb.render.js";
import { mergeMarkdown } from "./kb.variants.js";

const port = parentPort;
if (port) {
  port.on("message", (job: RenderJob) => {
    let reply: RenderReply;
    try {
      if (job.kind === "render") reply = { ok: true, rendered: renderMarkdown(job.source) };
      else {
        const { body, fromVariant } = mergeMarkdown(job.base, job.variant);
        reply = { ok: true, rendered: renderMarkdown(body), body, fromVariant: [...fromVariant] };
      }
    } catch (e) {
      reply = { ok: false, message: (e as Error).message };
    }
    port.postMessage(reply);
  });
  port.postMessage({ ready: true });
}
