import { api, unwrap } from "../api/client";
import type { Ok } from "../api/types";
import type { Ticket } from "./labels";

export type Message = Ok<"/api/v1/tickets/{key}/messages", "get">["items"][number];
export type AuditEvent = Ok<"/api/v1/tickets/{key}/events", "get">["items"][number];
export type Attachment = Ok<"/api/v1/tickets/{key}/attachments", "get">["items"][number];
export type EscalationOptions = Ok<"/api/v1/tickets/{key}/escalation", "get">;
export type Deferral = Ok<"/api/v1/tickets/{key}/deferrals", "get">["items"][number];
export type Link = Ok<"/api/v1/tickets/{key}/links", "get">["items"][number];
export type SlaView = Ok<"/api/v1/tickets/{key}/sla", "get">;

/** Everything the ticket page shows, loaded in one round of parallel requests. */
export type TicketData = {
  ticket: Ticket;
  messages: Message[];
  events: AuditEvent[];
  attachments: Attachment[];
  escalation: EscalationOptions | null;
  deferrals: Deferral[];
  links: Link[];
  sla: SlaView | null;
  others: Ok<"/api/v1/tickets", "get">["items"];
};

const orNull = <T>(p: Promise<T>): Promise<T | null> => p.catch(() => null);

/** Loads a ticket and everything around it; parts the user may not see come back empty. */
export async function loadTicket(key: string, signal?: AbortSignal): Promise<TicketData> {
  const path = { params: { path: { key } }, signal };
  const ticket = await unwrap(api.GET("/api/v1/tickets/{key}", path));
  const internal = ticket.actions.includes("readInternal");
  const [messages, events, attachments, escalation, deferrals, links, sla, others] = await Promise.all([
    unwrap(
      api.GET("/api/v1/tickets/{key}/messages", {
        ...path,
        params: { ...path.params, query: { limit: 500 } },
      }),
    ),
    internal
      ? unwrap(
          api.GET("/api/v1/tickets/{key}/events", {
            ...path,
            params: { ...path.params, query: { limit: 500 } },
          }),
        )
      : { items: [] },
    unwrap(api.GET("/api/v1/tickets/{key}/attachments", path)),
    orNull(unwrap(api.GET("/api/v1/tickets/{key}/escalation", path))),
    internal ? orNull(unwrap(api.GET("/api/v1/tickets/{key}/deferrals", path))) : null,
    orNull(unwrap(api.GET("/api/v1/tickets/{key}/links", path))),
    internal ? orNull(unwrap(api.GET("/api/v1/tickets/{key}/sla", path))) : null,
    orNull(
      unwrap(
        api.GET("/api/v1/tickets", {
          params: { query: { requester: ticket.requester.id, sort: "-updated", limit: 11 } },
          signal,
        }),
      ),
    ),
  ]);
  return {
    ticket,
    messages: messages.items,
    events: events.items,
    attachments: attachments.items,
    escalation,
    deferrals: deferrals?.items ?? [],
    links: links?.items ?? [],
    sla,
    others: (others?.items ?? []).filter((o) => o.key !== key).slice(0, 10),
  };
}
