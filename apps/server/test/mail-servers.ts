import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

const DOVECOT = ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"].find((p) => existsSync(p)) ?? null;

/**
 * Whether the Dovecot IMAP tests can run here. Without Dovecot they are skipped with a message, except
 * under CI=true, where a missing Dovecot is a failure (the CI installs the Debian package dovecot-imapd).
 */
export function dovecotAvailable(): boolean {
  if (DOVECOT) return true;
  const message = "Dovecot is not installed (Debian package dovecot-imapd): the IMAP tests need it";
  if (process.env.CI === "true") throw new Error(message);
  console.warn(`${message}; skipping them`);
  return false;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once("data", (d) => done(d.toString().startsWith("* OK")));
    s.once("error", () => done(false));
    s.connect(port, "127.0.0.1");
  });
}

export type Dovecot = {
  host: string;
  port: number;
  user: string;
  password: string;
  stop: () => Promise<void>;
};

/**
 * A throw-away Dovecot: its own config, passwd-file user and maildir in a temp folder, listening on a
 * free port of 127.0.0.1 without TLS, run in the foreground as a child process and stopped after.
 */
export async function startDovecot(): Promise<Dovecot> {
  if (!DOVECOT) throw new Error("dovecot is not installed");
  const dir = mkdtempSync(path.join(tmpdir(), "tierdesk-dovecot-"));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const user = "support-zmb@tierdesk.test";
  const password = "imap-test-password";
  const root = process.getuid?.() === 0;
  // As root, mail and login processes run as Debian's dovecot/dovenull users; otherwise as ourselves.
  const me = userInfo().username;
  const mailUser = root ? "dovecot" : me;
  mkdirSync(path.join(dir, "mail"));
  if (root) {
    const uid = Number(spawnSyncId("-u", mailUser));
    const gid = Number(spawnSyncId("-g", mailUser));
    chownSync(path.join(dir, "mail"), uid, gid);
  }
  writeFileSync(path.join(dir, "users"), `${user}:{PLAIN}${password}\n`);
  const conf = `
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${root ? "dovecot" : me}
default_internal_group = ${root ? "dovecot" : me}
default_login_user = ${root ? "dovenull" : me}
first_valid_uid = 1
mail_location = maildir:${dir}/mail/%u
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${mailUser} gid=${mailUser} home=${dir}/mail/%u
}
`;
  writeFileSync(path.join(dir, "dovecot.conf"), conf);
  const child: ChildProcess = spawn(DOVECOT, ["-F", "-c", path.join(dir, "dovecot.conf")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 15_000;
  while (!(await greets(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`dovecot did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host: "127.0.0.1",
    port,
    user,
    password,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const spawnSyncId = (flag: string, name: string): string =>
  execFileSync("id", [flag, name]).toString().trim();

export type SunkMail = { raw: Buffer; parsed: ParsedMail; from: string; to: string[] };

/**
 * A real SMTP server (smtp-server) that keeps what it receives, for tests of outbound mail. Addresses
 * matched by `refuse` are refused at RCPT TO with a permanent 550.
 */
export async function startSmtpSink(options: { refuse?: (address: string) => boolean } = {}) {
  const mails: SunkMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(_auth, _session, callback) {
      callback(null, { user: "tierdesk" });
    },
    onRcptTo(address, _session, callback) {
      if (options.refuse?.(address.address))
        return callback(Object.assign(new Error("5.1.1 User unknown"), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            mails.push({
              raw,
              parsed,
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              to: session.envelope.rcptTo.map((r) => r.address),
            });
            callback();
          },
          (e) => callback(e),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as { port: number };
  return {
    port,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>;

/** A MIME sample of test/fixtures/mime, with line ends as mail servers carry them (CRLF). */
export function mimeSample(name: string, replace: Record<string, string> = {}): Buffer {
  let text = readFileSync(path.join(import.meta.dirname, "fixtures", "mime", name), "latin1");
  for (const [from, to] of Object.entries(replace)) text = text.replaceAll(from, to);
  return Buffer.from(text.replace(/\r?\n/g, "\r\n"), "latin1");
}
