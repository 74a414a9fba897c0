import type { Insertable, Selectable, Updateable } from "kysely";
import type { Db } from "../../db/database.js";
import type { ChatbotConversationsTable, ChatbotTurnsTable } from "../../db/schema.js";

export type ConversationRow = Selectable<ChatbotConversationsTable>;
export type TurnRow = Selectable<ChatbotTurnsTable>;

/** The chatbot's own tables: conversations and their turns. */
export function createChatbotRepository(db: Db) {
  return {
    conversation: (id: number, exec: Db = db) =>
      exec.selectFrom("chatbot_conversations").selectAll().where("id", "=", id).executeTakeFirst(),
    insertConversation: (row: Insertable<ChatbotConversationsTable>, exec: Db = db) =>
      exec.insertInto("chatbot_conversations").values(row).returningAll().executeTakeFirstOrThrow(),
    updateConversation: async (
      id: number,
      patch: Updateable<ChatbotConversationsTable>,
      exec: Db = db,
    ): Promise<void> => {
      await exec.updateTable("chatbot_conversations").set(patch).where("id", "=", id).execute();
    },
    /** Moves a conversation out of "open" only if it still is (a concurrent reply may have won). */
    closeIfOpen: async (
      id: number,
      patch: Updateable<ChatbotConversationsTable>,
      exec: Db = db,
    ): Promise<boolean> => {
      const r = await exec
        .updateTable("chatbot_conversations")
        .set(patch)
        .where("id", "=", id)
        .where("status", "=", "open")
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    turns: (conversationId: number, exec: Db = db) =>
      exec
        .selectFrom("chatbot_turns")
        .selectAll()
        .where("conversation_id", "=", conversationId)
        .orderBy("id", "asc")
        .execute(),
    insertTurn: (row: Insertable<ChatbotTurnsTable>, exec: Db = db) =>
      exec.insertInto("chatbot_turns").values(row).returningAll().executeTakeFirstOrThrow(),
  };
}
export type ChatbotRepository = ReturnType<typeof createChatbotRepository>;
