import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/database.js";

// The CLI is about the process (arguments, exit codes, messages), so it always runs on SQLite in a
// temporary data folder, under either test project.
const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cliEntry = path.join(serverDir, "src", "cli.ts");
const SETTINGS = [
  "PORT",
  "HOST",
  "DATA_DIR",
  "DATABASE_URL",
  "PUBLIC_URL",
  "LOG_LEVEL",
  "SESSION_SECRET",
  "ATTACHMENT_MAX_BYTES",
  "BODY_LIMIT_BYTES",
  "TRUST_PROXY",
  "NODE_OPTIONS",
];

const dirs: string[] = [];
const children: ChildProcess[] = [];
function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tierdesk-cli-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function environment(dir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of SETTINGS) delete env[key];
  return { ...env, DATA_DIR: dir, LOG_LEVEL: "warn", ...extra };
}

type Run = { code: number; stdout: string; stderr: string };

/** Runs `tierdesk <args>` through tsx and resolves with its exit code and output, whatever the code. */
function tierdesk(args: string[], options: { dir: string; env?: Record<string, string> }): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", cliEntry, ...args],
      { cwd: serverDir, env: environment(options.dir, options.env ?? {}), timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const lines = (s: string) => s.trim().split("\n");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

// Each run starts a Node process that compiles the CLI, so allow for a busy machine.
describe("the tierdesk command line", { timeout: 180_000 }, () => {
  it("--help lists every command", async () => {
    const run = await tierdesk(["--help"], { dir: dataDir() });
    expect(run.code).toBe(0);
    for (const command of ["serve", "migrate", "demo", "site", "user", "token"]) {
      expect(run.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, "m"));
    }
  });

  it("every command explains itself with --help", async () => {
    const dir = dataDir();
    const expectations: Array<[string[], string[]]> = [
      [["serve"], ["--demo"]],
      [["migrate"], ["schema"]],
      [["demo"], ["demo"]],
      [["site"], ["add"]],
      [
        ["site", "add"],
        ["--code", "--time-zone", "--languages"],
      ],
      [["user"], ["add"]],
      [
        ["user", "add"],
        ["--email", "--membership", "--vendor-team", "--hub-admin"],
      ],
      [["token"], ["create"]],
      [
        ["token", "create"],
        ["--email", "--scopes", "--expires-in-days"],
      ],
    ];
    const runs = await Promise.all(
      expectations.map(([command]) => tierdesk([...command, "--help"], { dir })),
    );
    for (const [i, [command, words]] of expectations.entries()) {
      const run = runs[i] as Run;
      expect(run.code, command.join(" ")).toBe(0);
      expect(run.stdout).toContain(`Usage: tierdesk ${command.join(" ")}`);
      for (const word of words) expect(run.stdout).toContain(word);
    }
    // Asking for help does not create a database.
    expect(existsSync(path.join(dir, "tierdesk.sqlite"))).toBe(false);
  });

  it("migrate, then a site, a site admin and an API token for them", async () => {
    const dir = dataDir();
    const migrate = await tierdesk(["migrate"], { dir });
    expect(migrate.stderr).toBe("");
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain("up to date");
    expect(existsSync(path.join(dir, "tierdesk.sqlite"))).toBe(true);
    expect(statSync(path.join(dir, "session-secret")).mode & 0o777).toBe(0o600);

    const site = await tierdesk(
      [
        "site",
        "add",
        "--code",
        "KEN",
        "--name",
        "Kenya civil registration",
        "--country",
        "Kenya",
        "--product",
        "OpenCRVS",
        "--time-zone",
        "Africa/Nairobi",
        "--languages",
        "en, sw",
      ],
      { dir },
    );
    expect(site.stderr).toBe("");
    expect(site.code).toBe(0);
    expect(site.stdout).toContain("Added site KEN");

    const user = await tierdesk(
      [
        "user",
        "add",
        "--email",
        "Wanjiru@Example.org",
        "--name",
        "Wanjiru Kamau",
        "--password",
        "kenya-pass-1",
        "--membership",
        "KEN:site_admin",
        "--membership",
        "KEN:agent",
      ],
      { dir },
    );
    expect(user.stderr).toBe("");
    expect(user.code).toBe(0);
    expect(user.stdout).toContain("Added user wanjiru@example.org");

    const token = await tierdesk(
      ["token", "create", "--email", "wanjiru@example.org", "--name", "Reports", "--scopes", "tickets:read"],
      { dir },
    );
    expect(token.stderr).toBe("");
    expect(token.code).toBe(0);
    const secret = token.stdout.trim();
    expect(secret).toMatch(/^tdk_[\w-]{40,}$/);

    const database = openDatabase({ dialect: "sqlite", file: path.join(dir, "tierdesk.sqlite") });
    try {
      const db = database.db;
      const row = await db
        .selectFrom("users")
        .selectAll()
        .where("email", "=", "wanjiru@example.org")
        .executeTakeFirstOrThrow();
      expect(row.password_hash).toMatch(/^scrypt\$/);
      const roles = await db
        .selectFrom("memberships")
        .innerJoin("sites", "sites.id", "memberships.site_id")
        .select(["sites.code", "sites.languages", "memberships.role"])
        .where("memberships.user_id", "=", row.id)
        .orderBy("memberships.role")
        .execute();
      expect(roles.map((r) => `${r.code}:${r.role}`)).toEqual(["KEN:agent", "KEN:site_admin"]);
      expect(JSON.parse(roles[0]?.languages ?? "[]")).toEqual(["en", "sw"]);
      const tokens = await db.selectFrom("api_tokens").selectAll().where("user_id", "=", row.id).execute();
      expect(tokens).toHaveLength(1);
      expect(tokens[0]?.token_hash).toBe(createHash("sha256").update(secret).digest("hex"));
      expect(JSON.parse(tokens[0]?.scopes ?? "[]")).toEqual(["tickets:read"]);
    } finally {
      await database.close();
    }

    const duplicate = await tierdesk(["user", "add", "--email", "wanjiru@example.org", "--name", "Again"], {
      dir,
    });
    expect(duplicate.code).toBe(1);
    expect(lines(duplicate.stderr)).toHaveLength(1);
    expect(duplicate.stderr).toContain("user.email_taken");

    const unknownSite = await tierdesk(
      ["user", "add", "--email", "x@example.org", "--name", "X", "--membership", "XYZ:agent"],
      { dir },
    );
    expect(unknownSite.code).toBe(1);
    expect(lines(unknownSite.stderr)).toHaveLength(1);
    expect(unknownSite.stderr).toContain("user.unknown_site");
    expect(unknownSite.stderr).toContain("XYZ");

    const nobody = await tierdesk(
      ["token", "create", "--email", "nobody@example.org", "--name", "N", "--scopes", "tickets:read"],
      { dir },
    );
    expect(nobody.code).toBe(1);
    expect(nobody.stdout).not.toContain("tdk_");
    expect(nobody.stderr).toContain("user.not_found");
  });

  it("a bad value exits 1 with one line naming the field", async () => {
    const dir = dataDir();
    const site = ["site", "add", "--name", "Kenya", "--country", "Kenya", "--product", "OpenCRVS"];
    const [badCode, badZone, badScope, badDays] = await Promise.all([
      tierdesk([...site, "--code", "k", "--time-zone", "Africa/Nairobi"], { dir }),
      tierdesk([...site, "--code", "KEN", "--time-zone", "Africa/Atlantis"], { dir }),
      tierdesk(["token", "create", "--email", "a@example.org", "--name", "T", "--scopes", "tickets:delete"], {
        dir,
      }),
      tierdesk(
        [
          "token",
          "create",
          "--email",
          "a@example.org",
          "--name",
          "T",
          "--scopes",
          "tickets:read",
          "--expires-in-days",
          "0",
        ],
        {
          dir,
        },
      ),
    ]);
    expect(badCode.code).toBe(1);
    expect(lines(badCode.stderr)).toHaveLength(1);
    expect(badCode.stderr).toMatch(/\bcode\b/);
    expect(badCode.stdout).toBe("");

    expect(badZone.code).toBe(1);
    expect(lines(badZone.stderr)).toHaveLength(1);
    expect(badZone.stderr).toContain("timeZone");

    expect(badScope.code).toBe(1);
    expect(lines(badScope.stderr)).toHaveLength(1);
    expect(badScope.stderr).toContain("scopes");

    expect(badDays.code).toBe(1);
    expect(badDays.stderr).toContain("--expires-in-days");
  });

  it("an invalid setting in the environment exits 1 with one line naming the variable", async () => {
    const dir = dataDir();
    const [migrate, serve, logLevel] = await Promise.all([
      tierdesk(["migrate"], { dir, env: { PORT: "abc" } }),
      tierdesk(["serve"], { dir, env: { PORT: "abc" } }),
      tierdesk(["migrate"], { dir, env: { LOG_LEVEL: "loud" } }),
    ]);
    for (const run of [migrate, serve]) {
      expect(run.code).toBe(1);
      expect(lines(run.stderr)).toHaveLength(1);
      expect(run.stderr).toContain("PORT");
    }
    expect(logLevel.code).toBe(1);
    expect(lines(logLevel.stderr)).toHaveLength(1);
    expect(logLevel.stderr).toContain("LOG_LEVEL");
    expect(existsSync(path.join(dir, "tierdesk.sqlite"))).toBe(false);
  });

  it("demo loads the demo data once and says so the second time", async () => {
    const dir = dataDir();
    const first = await tierdesk(["demo"], { dir });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).toBe("Loaded the demo data and 5 knowledge-base guides.");
    const second = await tierdesk(["demo"], { dir });
    expect(second.code).toBe(0);
    expect(second.stdout.trim()).toBe("The demo data is already there.");
  });

  it("serve --demo answers health and readiness checks over HTTP and prints the demo logins", async () => {
    const dir = dataDir();
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", cliEntry, "serve", "--demo"], {
      cwd: serverDir,
      env: environment(dir, { PORT: String(port), HOST: "127.0.0.1" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk) => (stdout += String(chunk)));
    child.stderr?.on("data", (chunk) => (stderr += String(chunk)));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

    // The logins are printed once the server listens.
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (stdout.includes("requester-zmb@demo.test")) resolve();
        else if (child.exitCode !== null) reject(new Error(`serve exited early: ${stderr}`));
        else setTimeout(check, 100);
      };
      check();
    });

    const base = `http://127.0.0.1:${port}`;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", database: "sqlite" });
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "agent@demo.test", password: "demo1234" }),
    });
    expect(login.status).toBe(200);
    // The demo's own guides answer a requester's question in the knowledge base.
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const search = await fetch(`${base}/api/v1/kb/search?q=forgot%20password`, { headers: { cookie } });
    expect(search.status).toBe(200);
    const hits = (await search.json()).hits as Array<{ title: string }>;
    expect(hits[0]?.title).toBe("Reset a user's password");

    expect(stdout).toContain("Loaded the demo data and 5 knowledge-base guides.");
    expect(stdout).toContain(`Tierdesk is running at http://localhost:${port}`);
    expect(stdout).toContain("password demo1234");
    expect(stdout).toMatch(/agent@demo\.test\s+agent of ZMB, BGD, UGA/);
    expect(stdout).toMatch(/hubadmin@demo\.test\s+hub_admin/);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
