import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { type App, actorOf, secured } from "../../app/http.js";
import { siteParams } from "../sites/sites.schemas.js";
import { calendar, calendarInput } from "./calendars.schemas.js";

const ICS_MAX_BYTES = 1024 * 1024;

/** A site's business calendar and the import of public holidays from iCalendar files. */
export function calendarRoutes(app: App, { calendars }: AppContext) {
  const tags = ["calendars"];
  // A holiday file of 1 MiB holds some 10,000 events; reading a bigger one would only hold the server up.
  app.addContentTypeParser(
    "text/calendar",
    { parseAs: "string", bodyLimit: ICS_MAX_BYTES },
    (_req, body, done) => done(null, body),
  );

  app.get(
    "/sites/:code/calendar",
    {
      schema: {
        tags,
        summary: "The site's business calendar",
        security: secured,
        params: siteParams,
        response: { 200: calendar },
      },
    },
    async (req) => calendars.get(actorOf(req, "sites:read"), req.params.code),
  );
  app.put(
    "/sites/:code/calendar",
    {
      schema: {
        tags,
        summary:
          "Set weekly hours (several intervals a day, crossing midnight allowed), holidays, or 24/7 (hub admins)",
        security: secured,
        params: siteParams,
        body: calendarInput,
        response: { 200: calendar },
      },
    },
    async (req) => calendars.put(actorOf(req, "sites:write"), req.params.code, req.body),
  );
  app.post(
    "/sites/:code/calendar/holidays/import",
    {
      schema: {
        tags,
        summary: "Add the all-day events of an iCalendar file (text/calendar) as holidays (hub admins)",
        security: secured,
        params: siteParams,
        consumes: ["text/calendar"],
        body: z.string().max(ICS_MAX_BYTES),
        response: { 200: z.object({ imported: z.number(), calendar }) },
      },
    },
    async (req) => calendars.importHolidays(actorOf(req, "sites:write"), req.params.code, req.body),
  );
}
