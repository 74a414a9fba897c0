import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The server serves dist/ at / and the API at /api; in `npm run dev -w apps/web` Vite proxies the API
// to a server started with `npm run dev -w apps/server` (port 8080).
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    // the size script and the server read the manifest to know the portal's initial chunks
    manifest: true,
    target: "es2022",
    sourcemap: true,
  },
  server: {
    proxy: { "/api": "http://localhost:8080", "/healthz": "http://localhost:8080" },
  },
});
