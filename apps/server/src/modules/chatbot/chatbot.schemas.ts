import { z } from "zod";
import { text } from "../../shared/text.js";

const id = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);
const language = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/, "a language tag such as en, fr or pt-BR");

export const conversationCreate = z.strictObject({
  site: text(20).describe("The site code the question is about (its variants apply; a ticket opens there)"),
  language: language.optional().describe("The asker's language (default en)"),
  question: text(2000),
});
export type ConversationCreate = z.infer<typeof conversationCreate>;

export const messageInput = z.strictObject({ text: text(2000) });
export const conversationParams = z.strictObject({ id });
export const chatFeedbackInput = z.strictObject({
  helpful: z.boolean(),
  comment: text(2000).optional(),
  turnId: id.optional().describe("The answer the feedback is about (default: the latest answer)"),
});
export type ChatFeedbackInput = z.infer<typeof chatFeedbackInput>;

export const passage = z.object({
  articleId: z.number(),
  title: z.string(),
  section: z.object({ anchor: z.string(), heading: z.string() }),
  link: z.string().describe("Deep link to the section"),
  excerpt: z.string().describe("The quoted text, plain"),
  confidence: z.number().describe("0..1"),
});
export type Passage = z.infer<typeof passage>;

export const CONVERSATION_STATUSES = ["open", "resolved", "escalated"] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];
export const TURN_KINDS = [
  "question",
  "follow_up",
  "yes",
  "no",
  "answer",
  "unknown",
  "resolved",
  "escalated",
] as const;
export type TurnKind = (typeof TURN_KINDS)[number];

export const turn = z.object({
  id: z.number(),
  role: z.enum(["user", "bot"]),
  kind: z.enum(TURN_KINDS),
  text: z.string(),
  query: z
    .string()
    .nullable()
    .describe("What was searched for this question (with the context of earlier ones)"),
  confidence: z.number().nullable(),
  passages: z.array(passage),
  createdAt: z.string(),
});
export type TurnView = z.infer<typeof turn>;

export const conversation = z.object({
  id: z.number(),
  site: z.string(),
  language: z.string(),
  status: z.enum(CONVERSATION_STATUSES),
  resolvedAtLevel: z.literal(0).nullable().describe("0 when the chatbot's answer solved it"),
  ticketKey: z.string().nullable().describe("The ticket opened when the asker wanted a person"),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
});
export type ConversationView = z.infer<typeof conversation>;

export const exchange = z.object({
  conversation,
  reply: turn.describe("The chatbot's answer"),
});
export type Exchange = z.infer<typeof exchange>;
export const conversationDetail = conversation.extend({ turns: z.array(turn) });
export type ConversationDetail = z.infer<typeof conversationDetail>;
