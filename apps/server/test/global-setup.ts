/** Says once per run which databases the suite covers, and what to install for the rest. */
export default function setup() {
  if (!process.env.TEST_DATABASE_URL) {
    const msg =
      "PostgreSQL tests skipped: set TEST_DATABASE_URL=postgres://user@127.0.0.1:5432/db to run the suite on PostgreSQL too " +
      "(on Debian: apt-get install postgresql).";
    if (process.env.CI) throw new Error(`CI must test both databases. ${msg}`);
    console.warn(msg);
  }
}
