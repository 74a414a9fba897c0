import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig, prepareDataDir } from "./config.js";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tierdesk-config-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The ConfigError loadConfig throws for these settings. */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("settings from the environment", () => {
  it("a site that sets nothing gets a working server on port 8080 with SQLite under ./data", () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.host).toBe("0.0.0.0");
    expect(config.dataDir).toBe(path.resolve("data"));
    expect(config.database).toEqual({ dialect: "sqlite", file: path.resolve("data", "tierdesk.sqlite") });
    expect(config.publicUrl).toBe("http://localhost:8080");
    expect(config.logLevel).toBe("info");
    expect(config.trustProxy).toBe(false);
    expect(config.secureCookies).toBe(false);
    expect(config.sessionSecret).toBe("");
  });

  it("empty variables count as unset and fall back to the defaults", () => {
    const config = loadConfig({ PORT: "", LOG_LEVEL: "", DATABASE_URL: "" });
    expect(config.port).toBe(8080);
    expect(config.logLevel).toBe("info");
    expect(config.database.dialect).toBe("sqlite");
  });

  it.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["PORT", "80.5"],
    ["LOG_LEVEL", "loud"],
    ["DATABASE_URL", "mysql://x"],
    ["PUBLIC_URL", "notaurl"],
    ["PUBLIC_URL", "ftp://files.example.org"],
    ["SESSION_SECRET", "short"],
    ["TRUST_PROXY", "yes"],
    ["ATTACHMENT_MAX_BYTES", "10"],
  ])("an invalid %s=%s is refused with one line naming the variable", (name, value) => {
    const error = configError({ [name]: value });
    expect(error.message).not.toContain("\n");
    expect(error.message).toContain(name);
    expect(error.message.startsWith(`Invalid setting ${name}:`)).toBe(true);
  });

  it("a postgres:// or postgresql:// DATABASE_URL selects PostgreSQL", () => {
    expect(loadConfig({ DATABASE_URL: "postgres://hub@db.example:5432/tierdesk" }).database).toEqual({
      dialect: "postgres",
      url: "postgres://hub@db.example:5432/tierdesk",
      statements: 0,
    });
    expect(loadConfig({ DATABASE_URL: "postgresql://hub@db/tierdesk" }).database.dialect).toBe("postgres");
  });

  it("DATABASE_STATEMENTS=500 names up to 500 PostgreSQL statements; they are off unless asked for", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://hub@db/tierdesk", DATABASE_STATEMENTS: "500" });
    expect(config.database).toMatchObject({ dialect: "postgres", statements: 500 });
    expect(() => loadConfig({ DATABASE_STATEMENTS: "-1" })).toThrow(/DATABASE_STATEMENTS/);
  });

  it("a sqlite: DATABASE_URL names the database file, wherever the data folder is", () => {
    const config = loadConfig({ DATABASE_URL: "sqlite:///var/lib/tierdesk/hub.sqlite", DATA_DIR: "/srv/td" });
    expect(config.database).toEqual({ dialect: "sqlite", file: "/var/lib/tierdesk/hub.sqlite" });
    expect(config.dataDir).toBe("/srv/td");
  });

  it("an https public address turns on secure cookies and loses its trailing slash", () => {
    const config = loadConfig({ PUBLIC_URL: "https://help.example.org/", PORT: "9000" });
    expect(config.publicUrl).toBe("https://help.example.org");
    expect(config.secureCookies).toBe(true);
    expect(config.port).toBe(9000);
  });

  it("without a public address, links point at the configured port on localhost", () => {
    expect(loadConfig({ PORT: "3001" }).publicUrl).toBe("http://localhost:3001");
  });

  it("TRUST_PROXY=true is honoured for sites behind a reverse proxy", () => {
    expect(loadConfig({ TRUST_PROXY: "true" }).trustProxy).toBe(true);
  });
});

describe("the data folder", () => {
  it("generates a private session secret once and reuses it after a restart", () => {
    const dataDir = path.join(tempDir(), "nested", "data");
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = prepareDataDir(config);
    const file = path.join(dataDir, "session-secret");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(first.sessionSecret).toBe(readFileSync(file, "utf8").trim());

    const second = prepareDataDir(loadConfig({ DATA_DIR: dataDir }));
    expect(second.sessionSecret).toBe(first.sessionSecret);
  });

  it("a folder of its own gets a different secret", () => {
    const a = prepareDataDir(loadConfig({ DATA_DIR: tempDir() }));
    const b = prepareDataDir(loadConfig({ DATA_DIR: tempDir() }));
    expect(a.sessionSecret).not.toBe(b.sessionSecret);
  });

  it("a SESSION_SECRET from the environment is used as is and no secret file is written", () => {
    const dataDir = tempDir();
    const secret = "x".repeat(40);
    const config = prepareDataDir(loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: secret }));
    expect(config.sessionSecret).toBe(secret);
    expect(() => statSync(path.join(dataDir, "session-secret"))).toThrow();
  });
});
