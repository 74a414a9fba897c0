import type { AppContext } from "../../app/context.js";
import { type App, actorOf, secured } from "../../app/http.js";
import { feedback } from "../kb/kb.feedback.js";
import {
  chatFeedbackInput,
  conversationCreate,
  conversationDetail,
  conversationParams,
  exchange,
  messageInput,
} from "./chatbot.schemas.js";

/**
 * The chatbot, for signed-in requesters and staff of a site (anonymous use is for the public portal,
 * later). Retrieval only: it quotes the knowledge base and needs no external service; the optional
 * generative mode is not built yet.
 */
export function chatbotRoutes(app: App, { chatbot }: AppContext) {
  const tags = ["chatbot"];
  app.post(
    "/chatbot/conversations",
    {
      schema: {
        tags,
        summary:
          "Ask the chatbot a question: it quotes up to three knowledge-base sections with links and a confidence, or says it does not know",
        security: secured,
        body: conversationCreate,
        response: { 201: exchange },
      },
    },
    async (req, reply) => {
      const out = await chatbot.start(actorOf(req, "tickets:write"), req.body);
      return reply
        .status(201)
        .header("location", `/api/v1/chatbot/conversations/${out.conversation.id}`)
        .send(out);
    },
  );
  app.get(
    "/chatbot/conversations/:id",
    {
      schema: {
        tags,
        summary: "A conversation with every turn (the asker and the site's staff)",
        security: secured,
        params: conversationParams,
        response: { 200: conversationDetail },
      },
    },
    async (req) => chatbot.get(actorOf(req, "tickets:read"), req.params.id),
  );
  app.post(
    "/chatbot/conversations/:id/messages",
    {
      schema: {
        tags,
        summary:
          'Carry on: a follow-up question, "yes" (solved at L0), or "no" / "talk to a person" (opens an L1 ticket with the transcript)',
        security: secured,
        params: conversationParams,
        body: messageInput,
        response: { 200: exchange },
      },
    },
    async (req) => chatbot.message(actorOf(req, "tickets:write"), req.params.id, req.body.text),
  );
  app.post(
    "/chatbot/conversations/:id/feedback",
    {
      schema: {
        tags,
        summary: "Say whether an answer helped, with an optional comment",
        security: secured,
        params: conversationParams,
        body: chatFeedbackInput,
        response: { 201: feedback },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await chatbot.feedback(actorOf(req, "tickets:write"), req.params.id, req.body)),
  );
}
