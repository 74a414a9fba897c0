import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .refine((v) => /^(postgres|postgresql):\/\//.test(v) || /^sqlite:/.test(v), {
      message: "must start with postgres:// or sqlite:",
    })
    .optional(),
  DATABASE_STATEMENTS: z.coerce.number().int().min(0).max(10_000).default(0),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  LOG_LEVEL: z.enum(logLevels).default("info"),
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(25 * 1024 * 1024),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(1024 * 1024),
  TRUST_PROXY: z.enum(["true", "false"]).default("false"),
  SLA_SWEEP_SECONDS: z.coerce.number().min(0.1).max(300).default(5),
  REQUESTER_LINK_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  LIVE_RECHECK_SECONDS: z.coerce.number().min(0.05).max(60).default(2),
  NOTIFICATION_RETRY_LIMIT: z.coerce.number().int().min(0).max(20).default(5),
  NOTIFICATION_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, "must be smtp://[user:password@]host[:port] or smtps://...")
    .optional(),
  SMTP_FROM: z.email().optional(),
  EMAIL_POLL_SECONDS: z.coerce.number().min(1).max(3600).default(60),
  EMAIL_SMTP_LISTEN: z
    .string()
    .regex(/^[^\s:]+:\d{1,5}$/, "must be host:port, e.g. 127.0.0.1:2525")
    .optional(),
  WHATSAPP_GRAPH_URL: z.url({ protocol: /^https?$/ }).default("https://graph.facebook.com"),
  WHATSAPP_GRAPH_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, "must look like v23.0")
    .default("v23.0"),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  database:
    | { dialect: "sqlite"; file: string }
    /** statements: how many distinct statements are named (parsed once per connection); 0 turns it off */
    | { dialect: "postgres"; url: string; statements?: number };
  publicUrl: string;
  logLevel: (typeof logLevels)[number];
  sessionSecret: string;
  attachmentMaxBytes: number;
  bodyLimitBytes: number;
  trustProxy: boolean;
  secureCookies: boolean;
  slaSweepSeconds: number;
  /** how many days a requester's private link works after it was issued (each notice carries a fresh one) */
  requesterLinkDays: number;
  /** how often an open live event stream reads its session or token again (its person may have been changed) */
  liveRecheckSeconds: number;
  /** how often an email or WhatsApp notice is retried (the delay doubles each time) before it counts as failed */
  notificationRetry: { limit: number; delaySeconds: number };
  /** process-wide email settings: the SMTP relay for sites without their own, IMAP polling, the SMTP listener */
  email: {
    smtpUrl: string | null;
    smtpFrom: string | null;
    pollSeconds: number;
    listen: { host: string; port: number } | null;
  };
  /** the WhatsApp Cloud API (Meta Graph API) base URL and version; tests point it at a local stand-in */
  whatsappGraph: { url: string; version: string };
};

/** Raised when settings are invalid; the message is one line naming the variable. */
export class ConfigError extends Error {}

/** Reads and validates settings from environment variables; every one has a working default. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(pickEnv(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? "environment");
    throw new ConfigError(`Invalid setting ${name}: ${issue?.message ?? "invalid value"}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
  const database: Config["database"] =
    e.DATABASE_URL && !e.DATABASE_URL.startsWith("sqlite:")
      ? { dialect: "postgres", url: e.DATABASE_URL, statements: e.DATABASE_STATEMENTS }
      : { dialect: "sqlite", file: sqliteFile(e.DATABASE_URL, dataDir) };
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database,
    publicUrl,
    logLevel: e.LOG_LEVEL,
    sessionSecret: e.SESSION_SECRET ?? "",
    attachmentMaxBytes: e.ATTACHMENT_MAX_BYTES,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    trustProxy: e.TRUST_PROXY === "true",
    secureCookies: publicUrl.startsWith("https://"),
    slaSweepSeconds: e.SLA_SWEEP_SECONDS,
    requesterLinkDays: e.REQUESTER_LINK_DAYS,
    liveRecheckSeconds: e.LIVE_RECHECK_SECONDS,
    notificationRetry: {
      limit: e.NOTIFICATION_RETRY_LIMIT,
      delaySeconds: e.NOTIFICATION_RETRY_DELAY_SECONDS,
    },
    email: {
      smtpUrl: e.SMTP_URL ?? null,
      smtpFrom: e.SMTP_FROM ?? null,
      pollSeconds: e.EMAIL_POLL_SECONDS,
      listen: e.EMAIL_SMTP_LISTEN
        ? {
            host: e.EMAIL_SMTP_LISTEN.slice(0, e.EMAIL_SMTP_LISTEN.lastIndexOf(":")),
            port: Number(e.EMAIL_SMTP_LISTEN.slice(e.EMAIL_SMTP_LISTEN.lastIndexOf(":") + 1)),
          }
        : null,
    },
    whatsappGraph: { url: e.WHATSAPP_GRAPH_URL.replace(/\/+$/, ""), version: e.WHATSAPP_GRAPH_VERSION },
  };
}

function pickEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== "") out[key] = value;
  }
  return out;
}

function sqliteFile(url: string | undefined, dataDir: string): string {
  if (!url) return path.join(dataDir, "tierdesk.sqlite");
  const rest = url.slice("sqlite:".length).replace(/^\/\//, "");
  return rest === ":memory:" ? rest : path.resolve(rest);
}

/**
 * Makes sure the data folder exists and the session secret is known: a secret not given in
 * the environment is generated once and kept in the data folder, so sessions survive restarts.
 */
export function prepareDataDir(config: Config): Config {
  mkdirSync(config.dataDir, { recursive: true });
  if (config.sessionSecret) return config;
  const file = path.join(config.dataDir, "session-secret");
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(48).toString("base64url"), { mode: 0o600, flag: "wx" });
    chmodSync(file, 0o600);
  }
  return { ...config, sessionSecret: readFileSync(file, "utf8").trim() };
}
