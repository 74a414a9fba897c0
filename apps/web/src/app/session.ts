import { useSyncExternalStore } from "react";
import { ApiError, api, setCsrfToken, unwrap } from "../api/client";
import type { Me } from "../api/types";

/** Who is using the app: still asking the server, nobody signed in, or a user. */
export type Session = { status: "loading" } | { status: "anonymous" } | { status: "signed-in"; me: Me };

let session: Session = { status: "loading" };
const listeners = new Set<() => void>();

function set(next: Session) {
  session = next;
  setCsrfToken(next.status === "signed-in" ? next.me.csrfToken : null);
  for (const l of listeners) l();
}

/** Asks the server who the session cookie belongs to (anonymous on 401). */
export async function refreshSession(): Promise<Session> {
  try {
    set({ status: "signed-in", me: await unwrap(api.GET("/api/v1/me")) });
  } catch (e) {
    set({ status: "anonymous" });
    if (!(e instanceof ApiError && e.status === 401)) throw e;
  }
  return session;
}

/** Signs in with e-mail and password; throws the API's problem (auth.invalid_credentials…) on failure. */
export async function signIn(email: string, password: string): Promise<Me> {
  const me = await unwrap(api.POST("/api/v1/auth/login", { body: { email, password } }));
  set({ status: "signed-in", me });
  return me;
}

/** Ends the session on the server and forgets the user here. */
export async function signOut(): Promise<void> {
  try {
    await unwrap(api.POST("/api/v1/auth/logout"));
  } finally {
    set({ status: "anonymous" });
  }
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current session; components re-render when it changes. */
export function useSession(): Session {
  return useSyncExternalStore(subscribe, () => session);
}

/** The signed-in user, or null. */
export function useMe(): Me | null {
  const s = useSession();
  return s.status === "signed-in" ? s.me : null;
}

const STAFF_ROLES = new Set(["site_admin", "agent", "coordinator", "manager"]);

/** Whether the user works tickets or reads reports somewhere (any role but requester), so sees the staff area. */
export function isStaff(me: Me | null): boolean {
  if (!me) return false;
  return me.hubAdmin || me.vendorTeams.length > 0 || me.memberships.some((m) => STAFF_ROLES.has(m.role));
}

/** The site codes where the user holds one of the roles. */
export function sitesWhere(me: Me | null, roles: readonly string[]): string[] {
  if (!me) return [];
  return [...new Set(me.memberships.filter((m) => roles.includes(m.role)).map((m) => m.site))];
}
