import { defineConfig } from "vitest/config";

// Every test runs on SQLite; with TEST_DATABASE_URL set, the same suite runs again on PostgreSQL,
// each test file in a schema of its own.
const pgUrl = process.env.TEST_DATABASE_URL;
const reportFile = process.env.TIERDESK_TEST_REPORT;

export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: reportFile ? ["default", ["json", { outputFile: reportFile }]] : ["default"],
    projects: [
      {
        extends: true,
        test: {
          name: "sqlite",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          env: { TIERDESK_TEST_DB: "sqlite" },
        },
      },
      ...(pgUrl
        ? [
            {
              extends: true,
              test: {
                name: "postgres",
                include: ["src/**/*.test.ts", "test/**/*.test.ts"],
                env: { TIERDESK_TEST_DB: "postgres" },
              },
            },
          ]
        : []),
      // The web app's unit tests (catalogs, formatting, the API client) run once, in Node.
      { test: { name: "web", root: "../web", include: ["src/**/*.test.ts"] } },
      // Browser journeys (playwright-core + Debian's Chromium) run once, on SQLite, one file at a time.
      {
        test: {
          name: "e2e",
          root: "../../e2e",
          include: ["**/*.e2e.test.ts"],
          globalSetup: ["./global-setup.ts"],
          testTimeout: 90_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
