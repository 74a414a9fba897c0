/**
 * The outward channels (email, WhatsApp) that notifications can travel by. Each channel module
 * registers its sender at start-up; the notifications module picks one per person from their
 * preferences, or the channel a requester used.
 */
export type OutboundChannel = "email" | "whatsapp";

export type Recipient = { userId: number } | { contactId: number };

export type Delivery = {
  to: Recipient;
  kind: string;
  ticketId: number | null;
  title: string;
  body: string | null;
  /** the language to write in (BCP 47, e.g. "fr"); the recipient's own when known */
  language: string;
  /** the same key for the same occurrence, so a retried delivery sends once */
  dedupeKey: string;
};

/** Sends one delivery; throws to have the job retry it. Answers false when the recipient has no address on this channel. */
export type ChannelSender = (delivery: Delivery) => Promise<boolean>;

export function createChannelRegistry() {
  const senders = new Map<OutboundChannel, ChannelSender>();
  return {
    register(channel: OutboundChannel, sender: ChannelSender): void {
      senders.set(channel, sender);
    },
    sender(channel: OutboundChannel): ChannelSender | undefined {
      return senders.get(channel);
    },
    channels(): OutboundChannel[] {
      return [...senders.keys()];
    },
  };
}
export type ChannelRegistry = ReturnType<typeof createChannelRegistry>;
