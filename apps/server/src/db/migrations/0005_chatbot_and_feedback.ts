import type { DialectMigration } from "./helpers.js";
import { notNull, timeType, withId } from "./helpers.js";

/**
 * The chatbot's conversations and every turn of them (for the L0 reports: resolved by the bot or
 * handed to a person), and "was this helpful?" feedback on articles and chatbot answers.
 */
export const chatbotAndFeedback: DialectMigration = {
  async up(db, dialect) {
    const time = timeType(dialect);

    await withId(db.schema.createTable("chatbot_conversations"), dialect)
      .addColumn("site_id", "integer", (c) => c.notNull().references("sites.id"))
      .addColumn("user_id", "integer", (c) => c.references("users.id"))
      .addColumn("language", "text", notNull)
      // open, resolved (at L0, by the bot) or escalated (a ticket was opened)
      .addColumn("status", "text", notNull)
      .addColumn("ticket_key", "text")
      .addColumn("created_at", time, notNull)
      .addColumn("updated_at", time, notNull)
      .addColumn("resolved_at", time)
      .execute();
    await db.schema
      .createIndex("chatbot_conversations_site_idx")
      .on("chatbot_conversations")
      .columns(["site_id", "created_at"])
      .execute();

    await withId(db.schema.createTable("chatbot_turns"), dialect)
      .addColumn("conversation_id", "integer", (c) =>
        c.notNull().references("chatbot_conversations.id").onDelete("cascade"),
      )
      // user or bot
      .addColumn("role", "text", notNull)
      // user: question, follow_up, yes, no; bot: answer, unknown, resolved, escalated
      .addColumn("kind", "text", notNull)
      .addColumn("text", "text", notNull)
      // the words searched for (a follow-up is searched with the previous question's key words)
      .addColumn("query", "text")
      // 0..1000
      .addColumn("confidence", "integer")
      // JSON list of the passages quoted
      .addColumn("passages", "text")
      .addColumn("search_id", "integer")
      .addColumn("created_at", time, notNull)
      .execute();
    await db.schema
      .createIndex("chatbot_turns_conversation_idx")
      .on("chatbot_turns")
      .columns(["conversation_id", "id"])
      .execute();

    await withId(db.schema.createTable("kb_feedback"), dialect)
      .addColumn("article_id", "integer", (c) => c.references("kb_articles.id").onDelete("cascade"))
      .addColumn("conversation_id", "integer")
      .addColumn("turn_id", "integer")
      .addColumn("site_id", "integer")
      .addColumn("user_id", "integer")
      .addColumn("helpful", "integer", notNull)
      .addColumn("comment", "text")
      .addColumn("created_at", time, notNull)
      .execute();
    await db.schema.createIndex("kb_feedback_created_idx").on("kb_feedback").column("created_at").execute();
    await db.schema.createIndex("kb_feedback_article_idx").on("kb_feedback").column("article_id").execute();
  },
};
