/**
 * The reference: a bare Fastify "hello" route, started as its own process so that every HTTP figure
 * of the bench can also be given as a ratio to it. Prints "listening <port>" when ready.
 */
import Fastify from "fastify";

const app = Fastify({ logger: false });
app.get("/hello", async () => ({ hello: "world" }));
const address = await app.listen({ port: 0, host: "127.0.0.1" });
console.log(`listening ${new URL(address).port}`);
process.once("SIGTERM", () => void app.close().then(() => process.exit(0)));
