import { useEffect, useState } from "react";
import { api, unwrap } from "../api/client";
import type { Ok } from "../api/types";
import { t } from "../i18n/i18n";
import { ErrorNote, Field, Loading, PageTitle } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import { ActionResult, useAction } from "./forms";
import { SiteTabs } from "./SitePage";

type Calendar = Ok<"/api/v1/sites/{code}/calendar", "get">;
type Interval = Calendar["weekly"][number];
type Holiday = { date: string; name?: string };

// Monday first, as most of the hub's sites count the week; the API numbers days from Sunday (0).
const DAYS = [1, 2, 3, 4, 5, 6, 0];
const dayName = (day: number, lang?: string) =>
  new Intl.DateTimeFormat(lang, { weekday: "long", timeZone: "UTC" }).format(Date.UTC(2024, 0, 7 + day));

/** A site's business calendar: weekly opening hours, public holidays (typed or imported), or 24/7. */
export function CalendarPage({ params }: { params: { code: string } }) {
  const { code } = params;
  const loaded = useAsync(
    () => unwrap(api.GET("/api/v1/sites/{code}/calendar", { params: { path: { code } } })),
    [code],
  );
  const [cal, setCal] = useState<Calendar | null>(null);
  const action = useAction();
  const importing = useAction();
  useEffect(() => setCal(loaded.data ?? null), [loaded.data]);

  if (loaded.error) return <ErrorNote error={loaded.error} />;
  if (!cal) return <Loading />;

  const setWeekly = (weekly: Interval[]) => setCal({ ...cal, weekly });
  const setHolidays = (holidays: Holiday[]) => setCal({ ...cal, holidays });
  const save = async () => {
    const saved = await unwrap(
      api.PUT("/api/v1/sites/{code}/calendar", {
        params: { path: { code } },
        body: {
          alwaysOpen: cal.alwaysOpen,
          weekly: cal.weekly,
          holidays: cal.holidays.map((h) => (h.name ? h : { date: h.date })),
        },
      }),
    );
    setCal(saved);
  };
  const importFile = async (file: File) => {
    const out = await unwrap(
      api.POST("/api/v1/sites/{code}/calendar/holidays/import", {
        params: { path: { code } },
        body: await file.text(),
        bodySerializer: (b: string) => b,
        headers: { "content-type": "text/calendar" },
      }),
    );
    setCal(out.calendar);
    return out.imported;
  };

  return (
    <div className="stack">
      <PageTitle>{t("admin.calendar.pageTitle", { code })}</PageTitle>
      <SiteTabs code={code} />
      <p className="muted">{t("admin.calendar.zoneNote", { zone: cal.timeZone })}</p>
      {cal.isDefault && <p className="notice">{t("admin.calendar.isDefault")}</p>}
      <form className="stack" onSubmit={action.submit(save)}>
        <div className="check">
          <input
            id="always-open"
            type="checkbox"
            checked={cal.alwaysOpen}
            onChange={(e) => setCal({ ...cal, alwaysOpen: e.currentTarget.checked })}
          />
          <label htmlFor="always-open">{t("admin.calendar.alwaysOpen")}</label>
        </div>
        <fieldset className="card stack" disabled={cal.alwaysOpen}>
          <legend>{t("admin.calendar.weekly")}</legend>
          <p className="hint">{t("admin.calendar.weeklyHint")}</p>
          {cal.weekly.length === 0 && <p className="muted">{t("admin.calendar.noHours")}</p>}
          {cal.weekly.map((w, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
            <div className="row" key={i}>
              <Field label={t("admin.calendar.day")} error={action.fieldError(`weekly.${i}.day`)}>
                {(p) => (
                  <select
                    {...p}
                    value={w.day}
                    onChange={(e) =>
                      setWeekly(replace(cal.weekly, i, { ...w, day: Number(e.currentTarget.value) }))
                    }
                  >
                    {DAYS.map((d) => (
                      <option key={d} value={d}>
                        {dayName(d)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t("admin.calendar.opens")} error={action.fieldError(`weekly.${i}.start`)}>
                {(p) => (
                  <input
                    {...p}
                    type="time"
                    required
                    value={w.start}
                    onChange={(e) =>
                      setWeekly(replace(cal.weekly, i, { ...w, start: e.currentTarget.value }))
                    }
                  />
                )}
              </Field>
              <Field label={t("admin.calendar.closes")} error={action.fieldError(`weekly.${i}.end`)}>
                {(p) => (
                  <input
                    {...p}
                    type="time"
                    required
                    value={w.end === "24:00" ? "23:59" : w.end}
                    onChange={(e) => setWeekly(replace(cal.weekly, i, { ...w, end: e.currentTarget.value }))}
                  />
                )}
              </Field>
              <button type="button" onClick={() => setWeekly(cal.weekly.filter((_, j) => j !== i))}>
                {t("admin.calendar.removeHours", { day: dayName(w.day) })}
              </button>
            </div>
          ))}
          <div className="row">
            <button
              type="button"
              onClick={() => setWeekly([...cal.weekly, { day: 1, start: "08:00", end: "17:00" }])}
            >
              {t("admin.calendar.addHours")}
            </button>
            <button type="button" onClick={() => setWeekly(workingWeek())}>
              {t("admin.calendar.weekdays")}
            </button>
          </div>
        </fieldset>
        <fieldset className="card stack">
          <legend>{t("admin.calendar.holidays")}</legend>
          {cal.holidays.length === 0 && <p className="muted">{t("admin.calendar.noHolidays")}</p>}
          {cal.holidays.map((h, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
            <div className="row" key={i}>
              <Field label={t("admin.calendar.date")} error={action.fieldError(`holidays.${i}.date`)}>
                {(p) => (
                  <input
                    {...p}
                    type="date"
                    required
                    value={h.date}
                    onChange={(e) =>
                      setHolidays(replace(cal.holidays, i, { ...h, date: e.currentTarget.value }))
                    }
                  />
                )}
              </Field>
              <Field label={t("admin.calendar.holidayName")} error={action.fieldError(`holidays.${i}.name`)}>
                {(p) => (
                  <input
                    {...p}
                    maxLength={200}
                    value={h.name ?? ""}
                    onChange={(e) =>
                      setHolidays(replace(cal.holidays, i, { ...h, name: e.currentTarget.value }))
                    }
                  />
                )}
              </Field>
              <button type="button" onClick={() => setHolidays(cal.holidays.filter((_, j) => j !== i))}>
                {t("admin.calendar.removeHoliday", { date: h.date })}
              </button>
            </div>
          ))}
          <button type="button" onClick={() => setHolidays([...cal.holidays, { date: "", name: "" }])}>
            {t("admin.calendar.addHoliday")}
          </button>
        </fieldset>
        <button type="submit" className="primary" disabled={action.busy}>
          {t("admin.calendar.save")}
        </button>
        <ActionResult action={action} />
      </form>
      <section className="card stack" aria-labelledby="ics">
        <h2 id="ics">{t("admin.calendar.import")}</h2>
        <Field label={t("admin.calendar.importFile")} hint={t("admin.calendar.importHint")}>
          {(p) => (
            <input
              {...p}
              type="file"
              accept=".ics,text/calendar"
              disabled={importing.busy}
              onChange={(e) => {
                const file = e.currentTarget.files?.[0];
                if (file)
                  void importing.run(
                    async () => importFile(file),
                    () => t("admin.calendar.imported"),
                  );
              }}
            />
          )}
        </Field>
        <ActionResult action={importing} />
      </section>
    </div>
  );
}

function replace<T>(list: T[], i: number, item: T): T[] {
  return list.map((x, j) => (j === i ? item : x));
}

const workingWeek = (): Interval[] => [1, 2, 3, 4, 5].map((day) => ({ day, start: "08:00", end: "17:00" }));
