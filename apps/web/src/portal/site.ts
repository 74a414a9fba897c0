import { useState } from "react";
import { useMe } from "../app/session";

const KEY = "tierdesk.site";

/**
 * The site the portal works for: the requester's only site, or the one they picked among theirs (kept in
 * the browser). Visitors without an account pick theirs with `?site=` links or the request form.
 */
export function usePortalSite(): { site: string | null; sites: string[]; choose: (code: string) => void } {
  const me = useMe();
  const sites = me ? [...new Set(me.memberships.map((m) => m.site))] : [];
  const [picked, setPicked] = useState<string | null>(() => {
    const fromUrl = new URLSearchParams(window.location.search).get("site");
    if (fromUrl && /^[A-Z][A-Z0-9]{1,9}$/.test(fromUrl)) return fromUrl;
    try {
      return localStorage.getItem(KEY);
    } catch {
      return null;
    }
  });
  const choose = (code: string) => {
    setPicked(code);
    try {
      localStorage.setItem(KEY, code);
    } catch {
      // storage refused: the choice lasts for this page
    }
  };
  const site = picked && (sites.length === 0 || sites.includes(picked)) ? picked : (sites[0] ?? null);
  return { site, sites, choose };
}
