import { createHash, createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A message our server sent, as the stand-in received it. */
export type SentMessage = {
  phoneNumberId: string;
  token: string;
  body: {
    messaging_product: string;
    recipient_type?: string;
    to: string;
    type: "text" | "template";
    text?: { preview_url?: boolean; body: string };
    template?: {
      name: string;
      language: { code: string };
      components?: Array<{ type: string; parameters: Array<{ type: string; text: string }> }>;
    };
  };
  wamid: string;
};

type GraphFailure = { status: number; code: number; message: string };

/**
 * A local HTTP server that speaks the parts of the WhatsApp Cloud API (Meta Graph API) Tierdesk uses:
 * `POST /{version}/{phone-number-id}/messages`, `GET /{version}/{media-id}` and the media download URL
 * it hands out, each with bearer-token checks and Graph's error shape. Tests set what it accepts and
 * read what it was sent.
 */
export async function startGraphStandin(version = "v23.0") {
  const tokens = new Map<string, string>();
  const media = new Map<string, { bytes: Buffer; mimeType: string }>();
  const failures: GraphFailure[] = [];
  const sent: SentMessage[] = [];
  let counter = 0;

  const error = (res: ServerResponse, status: number, code: number, message: string) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(
      JSON.stringify({ error: { message, type: "OAuthException", code, fbtrace_id: `trace${++counter}` } }),
    );
  };
  const json = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const bearer = (req: IncomingMessage) => /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
  const validToken = (token: string | undefined) => !!token && [...tokens.values()].includes(token);

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? "/", "http://standin");
    const parts = url.pathname.split("/").filter(Boolean);
    const token = bearer(req);
    if (req.method === "GET" && parts[0] === "media-bytes" && parts[1]) {
      const m = media.get(parts[1]);
      if (!validToken(token)) return error(res, 401, 190, "Invalid OAuth access token");
      if (!m) return error(res, 404, 100, "Unsupported get request");
      res.writeHead(200, { "content-type": m.mimeType, "content-length": m.bytes.length });
      return res.end(m.bytes);
    }
    if (parts[0] !== version) return error(res, 400, 2500, `Unknown version ${parts[0]}`);
    if (req.method === "POST" && parts.length === 3 && parts[2] === "messages") {
      const phoneNumberId = parts[1] as string;
      if (!token || tokens.get(phoneNumberId) !== token)
        return error(res, 401, 190, "Invalid OAuth access token");
      const failure = failures.shift();
      if (failure) return error(res, failure.status, failure.code, failure.message);
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as SentMessage["body"];
      if (body.messaging_product !== "whatsapp" || !body.to) return error(res, 400, 100, "Invalid parameter");
      const wamid = `wamid.standin${++counter}`;
      sent.push({ phoneNumberId, token, body, wamid });
      return json(res, {
        messaging_product: "whatsapp",
        contacts: [{ input: body.to, wa_id: body.to }],
        messages: [{ id: wamid }],
      });
    }
    if (req.method === "GET" && parts.length === 2) {
      const id = parts[1] as string;
      if (!validToken(token)) return error(res, 401, 190, "Invalid OAuth access token");
      const m = media.get(id);
      if (!m) return error(res, 404, 100, "Unsupported get request. Object does not exist");
      return json(res, {
        messaging_product: "whatsapp",
        url: `${base}/media-bytes/${id}`,
        mime_type: m.mimeType,
        sha256: createHash("sha256").update(m.bytes).digest("hex"),
        file_size: m.bytes.length,
        id,
      });
    }
    return error(res, 404, 100, "Unknown path");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    /** The base URL to give as WHATSAPP_GRAPH_URL. */
    url: base,
    version,
    /** Messages sent through it, in order. */
    sent,
    /** Accepts this access token for sends from this phone number id. */
    allow(phoneNumberId: string, token: string) {
      tokens.set(phoneNumberId, token);
    },
    /** Makes a media object downloadable by id. */
    addMedia(id: string, bytes: Buffer, mimeType: string) {
      media.set(id, { bytes, mimeType });
    },
    /** The next sends fail with this Graph error, once each. */
    failNext(...f: GraphFailure[]) {
      failures.push(...f);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type GraphStandin = Awaited<ReturnType<typeof startGraphStandin>>;

/** The X-Hub-Signature-256 value Meta would send for this body. */
export const hubSignature = (appSecret: string, body: string | Buffer) =>
  `sha256=${createHmac("sha256", appSecret).update(body).digest("hex")}`;

type Inbound =
  | { type: "text"; from: string; id: string; body: string; name?: string; timestamp?: number }
  | {
      type: "image" | "document";
      from: string;
      id: string;
      mediaId: string;
      mimeType: string;
      caption?: string;
      filename?: string;
      name?: string;
      timestamp?: number;
    };
type Status = {
  id: string;
  status: "sent" | "delivered" | "read" | "failed";
  recipient: string;
  timestamp?: number;
  error?: { code: number; title: string };
};

/** A webhook delivery in the Cloud API's wire format, for one business number. */
export function webhookPayload(
  phoneNumberId: string,
  { messages = [], statuses = [] }: { messages?: Inbound[]; statuses?: Status[] },
) {
  const now = Math.floor(Date.now() / 1000);
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550001234", phone_number_id: phoneNumberId },
              ...(messages.length
                ? {
                    contacts: messages.map((m) => ({
                      profile: { name: m.name ?? "WhatsApp user" },
                      wa_id: m.from,
                    })),
                    messages: messages.map((m) => ({
                      from: m.from,
                      id: m.id,
                      timestamp: String(m.timestamp ?? now),
                      type: m.type,
                      ...(m.type === "text"
                        ? { text: { body: m.body } }
                        : {
                            [m.type]: {
                              id: m.mediaId,
                              mime_type: m.mimeType,
                              sha256: "irrelevant",
                              ...(m.caption ? { caption: m.caption } : {}),
                              ...(m.filename ? { filename: m.filename } : {}),
                            },
                          }),
                    })),
                  }
                : {}),
              ...(statuses.length
                ? {
                    statuses: statuses.map((s) => ({
                      id: s.id,
                      status: s.status,
                      timestamp: String(s.timestamp ?? now),
                      recipient_id: s.recipient,
                      ...(s.error ? { errors: [{ code: s.error.code, title: s.error.title }] } : {}),
                    })),
                  }
                : {}),
            },
          },
        ],
      },
    ],
  };
}
