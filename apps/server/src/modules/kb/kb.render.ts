import { Worker } from "node:worker_threads";
import { AppError } from "../../shared/errors.js";
import { type Rendered, renderMarkdown } from "./kb.markdown.js";
import { mergeMarkdown } from "./kb.variants.js";

/**
 * Rendering article Markdown with bounded cost. markdown-it and the sanitiser are linear in most
 * texts but slow on some (tens of thousands of unclosed brackets, huge tables: seconds for the
 * 500,000 characters an article may hold), and JavaScript cannot interrupt a running function. So a
 * short text is rendered at once, and a long one in a worker thread with a time limit: the server
 * answers everyone else meanwhile, and a text that would take longer is refused (422) and its work
 * stopped. One worker, started on first need and stopped when idle; jobs wait their turn.
 */

/** Texts up to this many characters are rendered in the caller's thread: a few milliseconds at worst. */
export const INLINE_CHARS = 20_000;
/** A text whose rendering takes longer than this is refused. */
export const RENDER_TIME_LIMIT_MS = 2_000;
/** Jobs waiting for the worker beyond this are refused with 429 rather than queued without end. */
const MAX_WAITING = 32;
/** An idle worker is stopped after this long, giving its memory back. */
const IDLE_MS = 60_000;

export type RenderJob = { kind: "render"; source: string } | { kind: "merge"; base: string; variant: string };
export type RenderReply =
  | { ok: true; rendered: Rendered; body?: string; fromVariant?: string[] }
  | { ok: false; message: string };
export type Merged = { body: string; fromVariant: Set<string>; rendered: Rendered };

type Waiting = { job: RenderJob; done: (reply: RenderReply | AppError) => void };

const tooComplex = () =>
  new AppError(
    422,
    "kb.render_too_complex",
    `The text took longer than ${RENDER_TIME_LIMIT_MS / 1000} s to render; split it or simplify it`,
    [{ field: "body", message: "too slow to render" }],
  );

let worker: Worker | undefined;
let ready = false;
let running: (Waiting & { timer: NodeJS.Timeout }) | undefined;
let idle: NodeJS.Timeout | undefined;
const waiting: Waiting[] = [];

/** Starts the worker: the compiled .js in production, the .ts source through tsx in development and tests. */
function start(): Worker {
  const source = import.meta.url.endsWith(".ts");
  const w = new Worker(new URL(`./kb.render.worker.${source ? "ts" : "js"}`, import.meta.url), {
    ...(source ? { execArgv: [...process.execArgv, "--import", "tsx"] } : {}),
  });
  w.on("message", (message: RenderReply | { ready: true }) => {
    if (worker !== w) return; // a late answer of a worker already stopped
    if ("ready" in message) ready = true;
    else finish(message);
    next();
  });
  // A worker that fails to start or dies fails its job and those waiting, rather than leaving them hanging.
  w.on("error", (e) => lost(w, e.message));
  w.on("exit", (code) => lost(w, `the render worker stopped (exit code ${code})`));
  return w;
}

function finish(reply: RenderReply | AppError): void {
  const job = running;
  running = undefined;
  if (!job) return;
  clearTimeout(job.timer);
  job.done(reply);
}

function lost(w: Worker, message: string): void {
  if (worker !== w) return;
  stop(w);
  finish({ ok: false, message });
  for (const job of waiting.splice(0)) job.done({ ok: false, message });
}

function stop(w: Worker): void {
  if (worker !== w) return;
  worker = undefined;
  ready = false;
  void w.terminate();
}

function next(): void {
  if (running) return;
  clearTimeout(idle);
  const job = waiting[0];
  if (!job) {
    const w = worker;
    if (!w) return;
    // an idle worker does not keep the process alive; one with work to do does
    w.unref();
    idle = setTimeout(() => stop(w), IDLE_MS).unref();
    return;
  }
  if (!worker) worker = start();
  worker.ref();
  if (!ready) return; // the job is sent once the worker says it is ready
  waiting.shift();
  const w = worker;
  // The clock starts when the worker gets the job: waiting for a turn or for start-up does not count.
  const timer = setTimeout(() => {
    finish(tooComplex());
    stop(w);
    next();
  }, RENDER_TIME_LIMIT_MS);
  running = { ...job, timer };
  w.postMessage(job.job);
}

function inWorker(job: RenderJob): Promise<RenderReply & { ok: true }> {
  if (waiting.length >= MAX_WAITING)
    return Promise.reject(
      new AppError(429, "kb.render_busy", "Too many long texts are being rendered; try again shortly", [], {
        "retry-after": "2",
      }),
    );
  return new Promise((resolve, reject) => {
    waiting.push({
      job,
      done: (reply) => {
        if (reply instanceof AppError) reject(reply);
        else if (!reply.ok) reject(new Error(`rendering failed: ${reply.message}`));
        else resolve(reply);
      },
    });
    next();
  });
}

/** Article Markdown rendered and sanitised, with its sections; 422 kb.render_too_complex past the time limit. */
export async function renderArticle(source: string): Promise<Rendered> {
  if (source.length <= INLINE_CHARS) return renderMarkdown(source);
  return (await inWorker({ kind: "render", source })).rendered;
}

/** A section-overriding variant merged into its base text (see kb.variants.ts) and rendered. */
export async function mergeAndRender(base: string, variant: string): Promise<Merged> {
  if (base.length + variant.length <= INLINE_CHARS) {
    const { body, fromVariant } = mergeMarkdown(base, variant);
    return { body, fromVariant, rendered: renderMarkdown(body) };
  }
  const reply = await inWorker({ kind: "merge", base, variant });
  return { body: reply.body ?? "", fromVariant: new Set(reply.fromVariant), rendered: reply.rendered };
}
