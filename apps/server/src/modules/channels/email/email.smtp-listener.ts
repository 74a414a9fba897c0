import type { AddressInfo } from "node:net";
import type { Logger } from "../../../shared/logger.js";
import type { EmailInbound } from "./email.inbound.js";
import type { EmailRepository, MailboxRow } from "./email.repository.js";

const smtpError = (code: number, message: string) =>
  Object.assign(new Error(message), { responseCode: code });

/**
 * The built-in SMTP listener for mail servers that forward support mail instead of offering IMAP.
 * It accepts mail only for enabled mailboxes' addresses and answers 250 only after the message
 * committed, so a failure answers 451 and the sending server tries again (the Message-ID keeps a
 * second delivery from doubling). It has no authentication: bind it to a private address.
 */
export async function startSmtpListener(deps: {
  host: string;
  port: number;
  repo: EmailRepository;
  inbound: EmailInbound;
  maxBytes: number;
  log: Logger;
}): Promise<{ port: number; close: () => Promise<void> }> {
  const { repo, inbound, log } = deps;
  // Base64 makes attachments a third larger; the whole message may carry a few of them.
  const sizeLimit = Math.ceil(deps.maxBytes * 1.4) + 1024 * 1024;
  const { SMTPServer } = await import("smtp-server");
  const server = new SMTPServer({
    banner: "Tierdesk",
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    size: sizeLimit,
    logger: false,
    onRcptTo(address, _session, callback) {
      repo
        .mailboxByAddress(address.address)
        .then((m) => callback(m ? null : smtpError(550, "5.1.1 No such mailbox here")))
        .catch(() => callback(smtpError(451, "4.3.0 Try again later")));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if ((stream as typeof stream & { sizeExceeded?: boolean }).sizeExceeded) {
          callback(smtpError(552, "5.3.4 Message too large"));
          return;
        }
        const raw = Buffer.concat(chunks);
        (async () => {
          const boxes: MailboxRow[] = [];
          for (const r of session.envelope.rcptTo) {
            const m = await repo.mailboxByAddress(r.address);
            if (m && !boxes.some((b) => b.id === m.id)) boxes.push(m);
          }
          for (const m of boxes) await inbound.take(m, raw, null);
        })().then(
          () => callback(),
          (e) => {
            log.error({ err: e }, "SMTP listener could not take a message");
            callback(smtpError(451, "4.3.0 Temporary failure, try again later"));
          },
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(deps.port, deps.host, () => resolve());
  });
  server.on("error", (e) => log.warn({ err: e }, "SMTP listener error"));
  const address = server.server.address() as AddressInfo;
  return {
    port: address.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
