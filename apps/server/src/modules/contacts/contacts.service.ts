import type { Selectable } from "kysely";
import type { Db } from "../../db/database.js";
import type { ContactsTable } from "../../db/schema.js";
import { invalid } from "../../shared/errors.js";

export type ContactRow = Selectable<ContactsTable>;
export type ContactInput = {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  whatsappId?: string | null;
};
export type ContactView = {
  id: number;
  name: string | null;
  email: string | null;
  phone: string | null;
  whatsappId: string | null;
  /** from an anonymous web form, and the address not yet confirmed from its mailbox */
  unverified: boolean;
};

/** Phone numbers compare as digits with an optional leading plus, whatever the spacing. */
export const normalizePhone = (p: string): string => {
  const trimmed = p.trim();
  return (trimmed.startsWith("+") ? "+" : "") + trimmed.replace(/\D/g, "");
};

export const contactView = (c: ContactRow): ContactView => ({
  id: c.id,
  name: c.name,
  email: c.email,
  phone: c.phone,
  whatsappId: c.whatsapp_id,
  unverified: c.unverified === 1,
});

/**
 * Requesters as the hub knows them at one site: found by email, phone or WhatsApp id, created when
 * new. Functions take the executor so they can join the caller's transaction.
 */
export function createContactsService({ clock }: { clock: { now: () => number } }) {
  return {
    /** Finds the contact matching any identifier (email first), filling in identifiers it lacked. */
    async findOrCreate(
      exec: Db,
      siteId: number,
      input: ContactInput & { userId?: number | null },
    ): Promise<ContactRow> {
      const email = input.email?.trim().toLowerCase() || null;
      const phone = input.phone ? normalizePhone(input.phone) || null : null;
      const whatsappId = input.whatsappId?.replace(/\D/g, "") || null;
      if (!email && !phone && !whatsappId && !input.userId) {
        throw invalid(
          "contact.identifier_required",
          "A requester needs an email, a phone number or a WhatsApp id",
          [{ field: "requester", message: "give email, phone or whatsappId" }],
        );
      }
      const candidates = await exec
        .selectFrom("contacts")
        .selectAll()
        .where("site_id", "=", siteId)
        // An unconfirmed claim to an address is never taken for its owner.
        .where("unverified", "=", 0)
        .where((eb) => {
          const ors = [];
          if (email) ors.push(eb("email", "=", email));
          if (phone) ors.push(eb("phone", "=", phone));
          if (whatsappId) ors.push(eb("whatsapp_id", "=", whatsappId));
          if (input.userId) ors.push(eb("user_id", "=", input.userId));
          return eb.or(ors);
        })
        .execute();
      const found =
        candidates.find((c) => input.userId && c.user_id === input.userId) ??
        candidates.find((c) => email && c.email === email) ??
        candidates.find((c) => phone && c.phone === phone) ??
        candidates.find((c) => whatsappId && c.whatsapp_id === whatsappId);
      const now = clock.now();
      if (!found) {
        return exec
          .insertInto("contacts")
          .values({
            site_id: siteId,
            name: input.name?.trim() || null,
            email,
            phone,
            whatsapp_id: whatsappId,
            user_id: input.userId ?? null,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
      }
      // Fill in what the contact lacked, unless another contact of the site already holds it.
      const taken = (field: "email" | "phone" | "whatsapp_id", value: string | null) =>
        !value || candidates.some((c) => c.id !== found.id && c[field] === value);
      const patch: Partial<ContactRow> = {};
      if (!found.email && !taken("email", email)) patch.email = email;
      if (!found.phone && !taken("phone", phone)) patch.phone = phone;
      if (!found.whatsapp_id && !taken("whatsapp_id", whatsappId)) patch.whatsapp_id = whatsappId;
      if (!found.name && input.name?.trim()) patch.name = input.name.trim();
      if (!found.user_id && input.userId) patch.user_id = input.userId;
      if (!Object.keys(patch).length) return found;
      return exec
        .updateTable("contacts")
        .set({ ...patch, updated_at: now })
        .where("id", "=", found.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    /**
     * The contact standing for an anonymous web form's claim to an address at a site: unverified, linked to
     * no user and apart from any verified contact with the same address, so nothing of an account or of
     * another contact's requests is reached through it. One per address and site, reused by later claims.
     */
    async findOrCreateUnverified(exec: Db, siteId: number, input: ContactInput): Promise<ContactRow> {
      const email = input.email?.trim().toLowerCase();
      if (!email)
        throw invalid("contact.identifier_required", "An unverified requester needs an email", [
          { field: "email", message: "required" },
        ]);
      const found = await exec
        .selectFrom("contacts")
        .selectAll()
        .where("site_id", "=", siteId)
        .where("unverified", "=", 1)
        .where("email", "=", email)
        .executeTakeFirst();
      if (found) return found;
      const now = clock.now();
      return exec
        .insertInto("contacts")
        .values({
          site_id: siteId,
          name: input.name?.trim() || null,
          email,
          phone: input.phone ? normalizePhone(input.phone) || null : null,
          whatsapp_id: null,
          user_id: null,
          unverified: 1,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    /** The contacts, verified or not, that hold this email at any site (or at one). */
    async byEmail(exec: Db, email: string, siteId?: number): Promise<ContactRow[]> {
      let q = exec.selectFrom("contacts").selectAll().where("email", "=", email.trim().toLowerCase());
      if (siteId !== undefined) q = q.where("site_id", "=", siteId);
      return q.orderBy("id").execute();
    },
    async byIds(exec: Db, ids: number[]): Promise<Map<number, ContactRow>> {
      const unique = [...new Set(ids)];
      if (!unique.length) return new Map();
      const rows = await exec.selectFrom("contacts").selectAll().where("id", "in", unique).execute();
      return new Map(rows.map((r) => [r.id, r]));
    },
  };
}
export type ContactsService = ReturnType<typeof createContactsService>;
