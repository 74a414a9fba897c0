import { useEffect, useRef, useState } from "react";
import { api, unwrap } from "../api/client";
import type { Ok } from "../api/types";

/** A live update from GET /api/v1/events/stream. */
export type LiveEvent =
  | {
      event: "ticket.created" | "ticket.updated" | "message.added";
      data: { ticket: string; site: string; version: number; change: string; actorUserId: number | null };
    }
  | { event: "presence"; data: Presence };
export type Presence = Ok<"/api/v1/tickets/{key}/presence", "post">;

const KINDS = ["ticket.created", "ticket.updated", "message.added", "presence"] as const;
const listeners = new Set<(e: LiveEvent) => void>();
let source: EventSource | null = null;

// One stream per browser tab, shared by every component that listens; the browser reconnects it by itself.
function open() {
  if (source || typeof EventSource === "undefined") return;
  source = new EventSource("/api/v1/events/stream");
  for (const kind of KINDS) {
    source.addEventListener(kind, (m) => {
      const e = { event: kind, data: JSON.parse((m as MessageEvent<string>).data) } as LiveEvent;
      for (const l of listeners) l(e);
    });
  }
}

/** Calls `handler` for every live update while the component is mounted. */
export function useLive(handler: (e: LiveEvent) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const l = (e: LiveEvent) => ref.current(e);
    listeners.add(l);
    open();
    return () => {
      listeners.delete(l);
      if (!listeners.size) {
        source?.close();
        source = null;
      }
    };
  }, []);
}

/** How often the ticket page says "I am here"; the server forgets a person after 45 s of silence. */
const HEARTBEAT_MS = 20_000;

/**
 * Tells the server the user is viewing or replying to a ticket, and returns who else is on it (kept
 * current by the live stream).
 */
export function usePresence(key: string, mode: "viewing" | "editing"): Presence["people"] {
  const [people, setPeople] = useState<Presence["people"]>([]);
  useLive((e) => {
    if (e.event === "presence" && e.data.ticket === key) setPeople(e.data.people);
  });
  useEffect(() => {
    let live = true;
    const beat = () =>
      unwrap(api.POST("/api/v1/tickets/{key}/presence", { params: { path: { key } }, body: { mode } })).then(
        (p) => live && setPeople(p.people),
        () => undefined,
      );
    void beat();
    const timer = setInterval(beat, HEARTBEAT_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [key, mode]);
  useEffect(
    () => () =>
      void api.POST("/api/v1/tickets/{key}/presence", { params: { path: { key } }, body: { mode: "left" } }),
    [key],
  );
  return people;
}
