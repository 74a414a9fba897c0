import { lazy, Suspense } from "react";
import { loadArea } from "../../i18n/i18n";
import { Loading } from "../../ui/ui";

// The editor and its strings (kept in the admin catalog, with the administration's) load on first visit.
const KbEditorApp = lazy(async () => (await Promise.all([import("./KbEditorApp"), loadArea("admin")]))[0]);

/** Knowledge-base editing (issue 6 §3), mounted at /staff/kb by the staff workspace. */
export function KbRoutes() {
  return (
    <Suspense fallback={<Loading />}>
      <KbEditorApp />
    </Suspense>
  );
}
