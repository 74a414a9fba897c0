import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import { refreshSession } from "./app/session";
import { initialLang, setLang } from "./i18n/i18n";
import "./styles.css";

// The language's strings and the session are fetched together before the first paint, so nothing flickers.
const root = document.getElementById("root");
if (!root) throw new Error("index.html lacks #root");
await Promise.all([setLang(initialLang()), refreshSession().catch(() => undefined)]);
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
