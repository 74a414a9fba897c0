import { Readable } from "node:stream";

/** A refusal or failure of the Graph API; `retryable` says whether trying again later may succeed. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | null,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "GraphError";
  }
}

/** Graph error codes that mean "not now" rather than "never": rate and throughput limits, temporary outages. */
const RETRYABLE_CODES = new Set([1, 2, 4, 17, 80007, 130429, 131000, 131016, 131048, 131056, 133004]);
/** The person's last message is more than 24 hours old: only a template may be sent. */
export const REENGAGEMENT_REQUIRED = 131047;

export type OutgoingMessage =
  | { type: "text"; body: string }
  | { type: "template"; name: string; language: string; parameters: string[] };

export type MediaInfo = {
  url: string;
  mimeType: string | null;
  sha256: string | null;
  fileSize: number | null;
};

const TIMEOUT_MS = 20_000;

/**
 * The WhatsApp Cloud API as far as Tierdesk uses it: send a message from a business number, and fetch
 * inbound media (its URL, then its bytes). The base URL and version are configurable so tests can
 * point them at a local stand-in.
 */
export function createGraphClient(
  { url, version }: { url: string; version: string },
  fetchImpl: typeof fetch = fetch,
) {
  const base = `${url}/${version}`;

  async function call(target: string, init: RequestInit & { token: string }): Promise<Response> {
    const { token, ...rest } = init;
    let res: Response;
    try {
      res = await fetchImpl(target, {
        ...rest,
        headers: { ...(rest.headers as Record<string, string>), authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (e) {
      throw new GraphError(0, null, `Graph API unreachable: ${(e as Error).message}`, true);
    }
    if (res.ok) return res;
    const body = (await res.json().catch(() => ({}))) as {
      error?: { message?: string; code?: number; error_subcode?: number };
    };
    const code = body.error?.code ?? null;
    const retryable = res.status >= 500 || res.status === 429 || (code !== null && RETRYABLE_CODES.has(code));
    throw new GraphError(
      res.status,
      code,
      body.error?.message?.slice(0, 500) ?? `Graph API answered ${res.status}`,
      retryable,
    );
  }

  return {
    /** Sends one message; answers WhatsApp's message id (wamid). */
    async send(phoneNumberId: string, token: string, to: string, message: OutgoingMessage): Promise<string> {
      const payload =
        message.type === "text"
          ? { type: "text", text: { preview_url: false, body: message.body } }
          : {
              type: "template",
              template: {
                name: message.name,
                language: { code: message.language },
                components: message.parameters.length
                  ? [
                      {
                        type: "body",
                        parameters: message.parameters.map((text) => ({ type: "text", text })),
                      },
                    ]
                  : [],
              },
            };
      const res = await call(`${base}/${encodeURIComponent(phoneNumberId)}/messages`, {
        method: "POST",
        token,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ messaging_product: "whatsapp", recipient_type: "individual", to, ...payload }),
      });
      const reply = (await res.json().catch(() => ({}))) as { messages?: Array<{ id?: string }> };
      const wamid = reply.messages?.[0]?.id;
      if (!wamid)
        throw new GraphError(res.status, null, "Graph API accepted the message but gave no id", true);
      return wamid;
    },

    /** Where an inbound media object can be downloaded (the URL is short-lived). */
    async mediaInfo(mediaId: string, token: string): Promise<MediaInfo> {
      const res = await call(`${base}/${encodeURIComponent(mediaId)}`, { method: "GET", token });
      const info = (await res.json().catch(() => ({}))) as {
        url?: string;
        mime_type?: string;
        sha256?: string;
        file_size?: number;
      };
      if (!info.url) throw new GraphError(res.status, null, "Graph API gave no media URL", true);
      return {
        url: info.url,
        mimeType: info.mime_type ?? null,
        sha256: info.sha256 ?? null,
        fileSize: info.file_size ?? null,
      };
    },

    /** The media's bytes as a stream (the caller bounds its size). */
    async download(mediaUrl: string, token: string): Promise<Readable> {
      const res = await call(mediaUrl, { method: "GET", token });
      if (!res.body) throw new GraphError(res.status, null, "Graph API sent no media body", true);
      return Readable.fromWeb(res.body as import("node:stream/web").ReadableStream);
    },
  };
}
export type GraphClient = ReturnType<typeof createGraphClient>;
