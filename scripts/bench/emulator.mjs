// Emulator benchmark (`npm run bench -- emulator`): what a test pays for talking to the local Discord
// emulator through the real discord.js client, on the built code (dist/).
//   start+login: emulator start, client login until clientReady, destroy, close (one test file's overhead);
//   channel.send: sequential message posts through discord.js (rate limit raised so pacing is not measured);
//   slash round trip: runCommand → INTERACTION_CREATE → bot reply → handle.response();
//   raw REST: GET /channels/:id with 16 concurrent fetch loops, next to a bare node:http server
//             answering the same loop (the emulator's own overhead is the difference).
// Prints a Markdown section; figures go into docs/benchmarks.md by hand.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const { startDiscordEmulator, createTestClient, loginTestClient } = await import(
  pathToFileURL(path.join(root, "dist", "src", "dev", "discord-emulator", "index.js")).href
);

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const ms = (n) => `${n.toFixed(2)} ms`;
function summary(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: quantile(s, 0.5), p99: quantile(s, 0.99), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

async function startLogin() {
  const samples = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    const emulator = await startDiscordEmulator();
    const guild = emulator.createGuild({ name: "bench" });
    emulator.createChannel(guild.id, { name: "news" });
    const client = createTestClient(emulator);
    await loginTestClient(client, emulator);
    await client.destroy();
    await emulator.close();
    samples.push(performance.now() - t0);
  }
  return summary(samples.slice(2));
}

async function withClient(fn) {
  const emulator = await startDiscordEmulator({
    // Discord's pacing would be what is measured otherwise; the limiter still runs on every request.
    messageRateLimit: { limit: 1_000_000, windowMs: 1_000 },
    defaultRouteLimit: { limit: 1_000_000, windowMs: 1_000 },
    globalRateLimit: 1_000_000,
  });
  const guild = emulator.createGuild({ name: "bench" });
  const channel = emulator.createChannel(guild.id, { name: "news" });
  const member = emulator.createMember(guild.id, { username: "reader" });
  // discord.js's own global limiter (50/s) would dominate; raise it to measure the emulator.
  const client = createTestClient(emulator, { rest: { globalRequestsPerSecond: 1_000_000 } });
  await loginTestClient(client, emulator);
  try {
    return await fn({ emulator, guild, channel, member, client });
  } finally {
    await client.destroy();
    await emulator.close();
  }
}

const N_SEND = 2_000;
const send = await withClient(async ({ client, channel }) => {
  const target = client.channels.cache.get(channel.id);
  const samples = [];
  const t0 = performance.now();
  for (let i = 0; i < N_SEND; i++) {
    const s = performance.now();
    await target.send({ content: `story ${i}`, embeds: [{ title: `Story ${i}`, description: "x".repeat(300) }] });
    samples.push(performance.now() - s);
  }
  return { ...summary(samples), perSecond: N_SEND / ((performance.now() - t0) / 1000) };
});

const N_CMD = 1_000;
const slash = await withClient(async ({ emulator, client, channel, member, guild }) => {
  await client.application.commands.set([{ name: "news", description: "Latest stories" }], guild.id);
  client.on("interactionCreate", (i) => {
    if (i.isChatInputCommand()) void i.reply({ content: "ok" });
  });
  const samples = [];
  const t0 = performance.now();
  for (let i = 0; i < N_CMD; i++) {
    const s = performance.now();
    await emulator.runCommand("news", { channelId: channel.id, userId: member.id }).response();
    samples.push(performance.now() - s);
  }
  return { ...summary(samples), perSecond: N_CMD / ((performance.now() - t0) / 1000) };
});

const N_RAW = 20_000;
const raw = await withClient(async ({ emulator, channel }) => {
  const url = `${emulator.apiUrl}/v10/channels/${channel.id}`;
  const headers = { authorization: `Bot ${emulator.token}` };
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next++ < N_RAW) {
        const res = await fetch(url, { headers });
        await res.arrayBuffer();
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const refused = emulator.requests.filter((r) => r.status !== 200).length;
  if (refused > 0) throw new Error(`${refused} raw requests were refused; the figure would be meaningless`);
  return { perSecond: N_RAW / seconds, peak: emulator.stats().peakRequestsPerSecond };
});

// Reference: a bare node:http server answering a small JSON body, same client loop. The emulator's
// figure above is only meaningful next to this one (the fetch client shares the process).
async function bareHttp() {
  const { createServer } = await import("node:http");
  const server = createServer((_req, res) => {
    const body = JSON.stringify({ id: "1", name: "news", type: 0 });
    res.writeHead(200, { "content-type": "application/json" }).end(body);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}/x`;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next++ < N_RAW) {
        const res = await fetch(url, { headers: { authorization: "Bot x" } });
        await res.arrayBuffer();
      }
    }),
  );
  const perSecond = N_RAW / ((performance.now() - t0) / 1000);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  return perSecond;
}
const bare = await bareHttp();

const startup = await startLogin();
const mem = process.memoryUsage();

console.log(`## Discord emulator

\`npm run bench -- emulator\` (scripts/bench/emulator.mjs), real discord.js ${(await import("discord.js")).version} client against the built emulator on 127.0.0.1.

| measure | result |
| --- | --- |
| start emulator + login to clientReady + destroy + close (18 runs) | p50 ${ms(startup.p50)}, p99 ${ms(startup.p99)} |
| channel.send with one embed, sequential (${N_SEND}) | ${send.perSecond.toFixed(0)} msg/s; p50 ${ms(send.p50)}, p99 ${ms(send.p99)} |
| slash command round trip, runCommand → reply → handle.response() (${N_CMD}) | ${slash.perSecond.toFixed(0)}/s; p50 ${ms(slash.p50)}, p99 ${ms(slash.p99)} |
| raw REST GET /channels/:id, 16 concurrent fetch loops (${N_RAW}) | ${raw.perSecond.toFixed(0)} req/s (peak second ${raw.peak}) |
| reference: bare node:http JSON server, same loop | ${bare.toFixed(0)} req/s |
| RSS at end | ${(mem.rss / 2 ** 20).toFixed(0)} MiB |
`);
