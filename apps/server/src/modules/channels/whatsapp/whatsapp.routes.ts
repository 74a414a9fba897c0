import { z } from "zod";
import type { AppContext } from "../../../app/context.js";
import { type App, actorOf, secured } from "../../../app/http.js";
import { toIso } from "../../../shared/clock.js";
import { unauthorized } from "../../../shared/errors.js";
import { text } from "../../../shared/text.js";
import { siteParams, verifyQuery, whatsappSettings, whatsappSettingsInput } from "./whatsapp.schemas.js";

const WEBHOOK = "/channels/whatsapp/webhook";

export const outboundView = z.object({
  id: z.number(),
  purpose: z.enum(["chatbot", "reply", "notice"]),
  messageId: z.number().nullable().describe("The ticket message it carries (staff replies)"),
  kind: z
    .enum(["text", "template"])
    .nullable()
    .describe("Free text inside the 24-hour window, a template outside"),
  template: z.string().nullable(),
  state: z.enum(["queued", "accepted", "sent", "delivered", "read", "failed"]),
  error: z.object({ code: z.number().nullable(), title: z.string().nullable() }).nullable(),
  createdAt: z.string(),
});

/**
 * The WhatsApp webhook (Meta calls it; authenticated by the X-Hub-Signature-256 signature, not a
 * session) and the per-site settings. The webhook lives in a plugin of its own whose JSON parser keeps
 * the raw bytes, since the signature is over them; JSON parsing elsewhere is untouched.
 */
export function whatsappRoutes(app: App, { whatsapp, tickets }: AppContext) {
  const tags = ["whatsapp"];
  app.register(async (scope) => {
    scope.removeContentTypeParser("application/json");
    scope.addContentTypeParser("application/json", { parseAs: "buffer" }, (_req, body, done) =>
      done(null, body),
    );
    const hooks = scope as unknown as App;
    hooks.get(
      WEBHOOK,
      {
        schema: {
          tags,
          summary:
            "Webhook verification: echoes hub.challenge when hub.verify_token is a configured verify token",
          querystring: verifyQuery,
        },
      },
      async (req, reply) => {
        const challenge = await whatsapp.webhook.verify(req.query);
        if (challenge === null)
          return reply.status(403).type("application/problem+json").send({
            type: "urn:tierdesk:problem:whatsapp.verify_failed",
            title: "Unknown verify token",
            status: 403,
            code: "whatsapp.verify_failed",
          });
        return reply.type("text/plain; charset=utf-8").send(challenge);
      },
    );
    hooks.post(
      WEBHOOK,
      {
        schema: {
          tags,
          summary:
            "WhatsApp Cloud API deliveries (messages and statuses), signed with X-Hub-Signature-256; recorded and answered at once, processed by a job",
          headers: z.object({ "x-hub-signature-256": z.string().max(200).optional() }),
          response: { 200: z.object({ status: z.literal("received") }) },
        },
      },
      async (req) => {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        if (!(await whatsapp.webhook.receive(raw, req.headers["x-hub-signature-256"])))
          throw unauthorized("whatsapp.bad_signature", "The X-Hub-Signature-256 signature does not match");
        return { status: "received" as const };
      },
    );
  });

  app.get(
    "/sites/:code/channels/whatsapp",
    {
      schema: {
        tags,
        summary:
          "The site's WhatsApp number and templates (hub admins and the site's coordinators); secrets are never shown",
        security: secured,
        params: siteParams,
        response: { 200: whatsappSettings },
      },
    },
    async (req) => whatsapp.settings.get(actorOf(req, "sites:read"), req.params.code),
  );
  app.put(
    "/sites/:code/channels/whatsapp",
    {
      schema: {
        tags,
        summary:
          "Set up or change the site's WhatsApp number (hub admins); a secret left out keeps its value",
        security: secured,
        params: siteParams,
        body: whatsappSettingsInput,
        response: { 200: whatsappSettings },
      },
    },
    async (req) => whatsapp.settings.put(actorOf(req, "sites:write"), req.params.code, req.body),
  );
  app.get(
    "/tickets/:key/whatsapp-messages",
    {
      schema: {
        tags,
        summary:
          "Our WhatsApp messages on a ticket with their delivery state (sent, delivered, read, failed)",
        security: secured,
        params: z.strictObject({ key: text(40) }),
        response: { 200: z.object({ items: z.array(outboundView) }) },
      },
    },
    async (req) => {
      const ticket = await tickets.visibleRow(actorOf(req, "tickets:read"), req.params.key);
      const rows = await whatsapp.messagesOfTicket(ticket.id);
      return {
        items: rows.map((r) => ({
          id: r.id,
          purpose: r.purpose as "chatbot" | "reply" | "notice",
          messageId: r.ticket_message_id,
          kind: r.kind as "text" | "template" | null,
          template: r.template_name,
          state: r.state as z.infer<typeof outboundView>["state"],
          error: r.state === "failed" ? { code: r.error_code, title: r.error_title } : null,
          createdAt: toIso(r.created_at),
        })),
      };
    },
  );
}
