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
    ],
  },
});
