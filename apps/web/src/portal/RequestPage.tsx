import { Link } from "wouter";
import { api, unwrap } from "../api/client";
import type { Ok } from "../api/types";
import { RequireSignIn } from "../app/RequireSignIn";
import { useMe } from "../app/session";
import { t } from "../i18n/i18n";
import { ErrorNote, Loading } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import { ReplyForm, RequestThread, type ThreadMessage } from "./RequestThread";
import { siteZones } from "./requests";

type Message = Ok<"/api/v1/tickets/{key}/messages", "get">["items"][number];

/** One of the requester's requests: its status, the conversation with the support team, and a reply box. */
export function RequestPage({ params }: { params: { key: string } }) {
  return (
    <RequireSignIn>
      <Request ticketKey={params.key} />
    </RequireSignIn>
  );
}

function Request({ ticketKey }: { ticketKey: string }) {
  const me = useMe();
  const state = useAsync(async () => {
    const path = { key: ticketKey };
    const [ticket, messages, zones] = await Promise.all([
      unwrap(api.GET("/api/v1/tickets/{key}", { params: { path } })),
      unwrap(api.GET("/api/v1/tickets/{key}/messages", { params: { path } })),
      siteZones(),
    ]);
    return {
      ticket,
      messages: messages.items.filter((m) => m.kind === "reply"),
      zone: zones.get(ticket.site),
    };
  }, [ticketKey]);

  if (state.error) return <ErrorNote error={state.error} />;
  if (!state.data) return <Loading />;
  const { ticket, messages, zone } = state.data;
  const mine = (m: Message) =>
    m.author?.type === "contact" || (m.author?.type === "user" && m.author.id === me?.id);
  const thread: ThreadMessage[] = messages.map((m) => ({ ...m, mine: mine(m), name: m.author?.name }));
  return (
    <div className="stack">
      <p>
        <Link href="/requests">← {t("portal.nav.myRequests")}</Link>
      </p>
      <RequestThread request={ticket} messages={thread} zone={zone}>
        {ticket.actions.includes("reply") && (
          <ReplyForm
            maxLength={50_000}
            send={(body) =>
              unwrap(
                api.POST("/api/v1/tickets/{key}/messages", {
                  params: { path: { key: ticket.key } },
                  body: { kind: "reply", body },
                }),
              )
            }
            onSent={state.reload}
          />
        )}
      </RequestThread>
    </div>
  );
}
