import type { Client, ClientOptions } from "discord.js";
import {
  type ChannelRecord,
  createTestClient,
  type DiscordEmulator,
  type EmulatorOptions,
  loginTestClient,
  type SeededGuild,
  startDiscordEmulator,
  type UserRecord,
} from "../../src/dev/discord-emulator/index.js";

/** An emulator with one guild, one text channel, one member, and a logged-in bare discord.js client. */
export interface Fixture {
  emulator: DiscordEmulator;
  guild: SeededGuild;
  channel: ChannelRecord;
  member: UserRecord;
  client: Client<true>;
  /** Destroys clients first (or they reconnect forever), then the emulator. */
  close(): Promise<void>;
}

export async function startFixture(
  options: { emulator?: EmulatorOptions; client?: Partial<ClientOptions>; login?: boolean } = {},
): Promise<Fixture> {
  const emulator = await startDiscordEmulator(options.emulator);
  const guild = emulator.createGuild({ name: "Newsroom" });
  const channel = emulator.createChannel(guild.id, { name: "tech-news" });
  const member = emulator.createMember(guild.id, { username: "reader" });
  const client = createTestClient(emulator, options.client);
  const clients: Client[] = [client];
  if (options.login !== false) await loginTestClient(client, emulator);
  return {
    emulator,
    guild,
    channel,
    member,
    client: client as Client<true>,
    close: async () => {
      for (const c of clients) await c.destroy();
      await emulator.close();
    },
  };
}

/** Resolves with the next emission of a client event. */
export function nextEvent<T extends unknown[]>(client: Client, event: string, timeoutMs = 3_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, handler);
      reject(new Error(`No ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const handler = (...args: unknown[]) => {
      clearTimeout(timer);
      client.off(event, handler);
      resolve(args as T);
    };
    client.on(event, handler);
  });
}
