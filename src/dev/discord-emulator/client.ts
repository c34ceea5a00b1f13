import { Client, type ClientOptions, GatewayIntentBits, Partials } from "discord.js";
import type { DiscordEmulator } from "./emulator.js";

/**
 * A discord.js Client pointed at the emulator, with what tests need: low timeouts (so a failure
 * shows in milliseconds, not after discord.js's 15 s defaults), the partials that let reactions on
 * uncached messages arrive, and no identify spacing. Options override these.
 */
export function createTestClient(emulator: DiscordEmulator, options: Partial<ClientOptions> = {}): Client {
  const { rest, ...rest_ } = options;
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.GuildMessageReactions],
    partials: [Partials.Message, Partials.Reaction, Partials.Channel, Partials.User],
    waitGuildTimeout: 50,
    // discord.js spaces identifies 5 s apart (Discord's max_concurrency rule); the emulator does not
    // enforce that, and a re-identify test should not sleep 5 s.
    ws: { buildIdentifyThrottler: async () => ({ waitForIdentify: async () => undefined }) },
    ...rest_,
    rest: { api: emulator.apiUrl, timeout: 2_000, retries: 3, ...rest },
  });
}

/** Logs the client in and resolves once it is ready (`login()` alone resolves earlier). */
export async function loginTestClient(client: Client, emulator: DiscordEmulator): Promise<Client<true>> {
  const ready = new Promise<Client<true>>((resolve) => client.once("clientReady", (c) => resolve(c)));
  await client.login(emulator.token);
  return ready;
}
