import { fileURLToPath } from "node:url";
import type { AppContext } from "../../app/context.js";
import { systemActor } from "../../shared/actor.js";
import { importDocs } from "../kb/kb.import.js";

// The same depth from src/modules/demo and dist/modules/demo: the package's demo-kb folder.
const FOLDER = fileURLToPath(new URL("../../../demo-kb/", import.meta.url));

/** Loads a few guides of our own into the knowledge base, so search and the chatbot have answers in the demo. */
export async function loadDemoKnowledge(ctx: AppContext): Promise<number> {
  const summary = await importDocs(ctx.kb, systemActor, FOLDER, { collection: "Demo guides" });
  return summary.created;
}
