import { OverwriteType, PermissionFlagsBits } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import type { DiscordHttpError } from "../../src/dev/discord-emulator/errors.js";
import { computePermissions } from "../../src/dev/discord-emulator/permissions.js";
import { isSnowflake, SnowflakeGenerator, shardOf, snowflakeTime } from "../../src/dev/discord-emulator/snowflake.js";
import { validateMessageBody } from "../../src/dev/discord-emulator/validate.js";

const GUILD = "1100000000000000000";
const BOT = "1100000000000000001";
const ROLE = "1100000000000000002";
const { ViewChannel, SendMessages, EmbedLinks, Administrator } = PermissionFlagsBits;

describe("permissions", () => {
  const base = {
    guildId: GUILD,
    ownerId: "1100000000000000009",
    rolePermissions: new Map([
      [GUILD, ViewChannel | SendMessages | EmbedLinks],
      [ROLE, 0n],
    ]),
  };

  it("applies @everyone, then role, then member overwrites, in Discord's order", () => {
    const perms = computePermissions(
      { userId: BOT, roleIds: [ROLE] },
      {
        ...base,
        overwrites: [
          { id: GUILD, type: OverwriteType.Role, allow: 0n, deny: SendMessages },
          { id: ROLE, type: OverwriteType.Role, allow: SendMessages, deny: EmbedLinks },
          { id: BOT, type: OverwriteType.Member, allow: EmbedLinks, deny: 0n },
        ],
      },
    );
    expect(perms & SendMessages).toBe(SendMessages);
    expect(perms & EmbedLinks).toBe(EmbedLinks);
  });

  it("no View Channel means no permissions at all; no Send Messages takes Embed Links too", () => {
    const hidden = computePermissions(
      { userId: BOT, roleIds: [] },
      { ...base, overwrites: [{ id: BOT, type: OverwriteType.Member, allow: 0n, deny: ViewChannel }] },
    );
    expect(hidden).toBe(0n);
    const mute = computePermissions(
      { userId: BOT, roleIds: [] },
      { ...base, overwrites: [{ id: GUILD, type: OverwriteType.Role, allow: 0n, deny: SendMessages }] },
    );
    expect(mute & EmbedLinks).toBe(0n);
    expect(mute & ViewChannel).toBe(ViewChannel);
  });

  it("administrators and the owner ignore overwrites", () => {
    const rolePermissions = new Map([...base.rolePermissions, [ROLE, Administrator]]);
    const deny = [{ id: BOT, type: OverwriteType.Member, allow: 0n, deny: ViewChannel }];
    const admin = computePermissions({ userId: BOT, roleIds: [ROLE] }, { ...base, rolePermissions, overwrites: deny });
    expect(admin & ViewChannel).toBe(ViewChannel);
    const owner = computePermissions({ userId: base.ownerId, roleIds: [] }, { ...base, overwrites: deny });
    expect(owner & SendMessages).toBe(SendMessages);
  });
});

describe("message validation", () => {
  function fieldErrors(body: unknown): unknown {
    try {
      validateMessageBody(body, { requireContent: true });
    } catch (err) {
      return (err as DiscordHttpError).toBody();
    }
    throw new Error("expected a validation error");
  }

  it("answers Discord's nested errors object with the field path", () => {
    expect(fieldErrors({ embeds: [{ title: "t".repeat(257) }] })).toEqual({
      code: 50035,
      message: "Invalid Form Body",
      errors: {
        embeds: {
          "0": { title: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: "Must be 256 or fewer in length." }] } },
        },
      },
    });
  });

  it("checks footer 2048, author 256, description 4096 and field names 256", () => {
    const body = fieldErrors({
      embeds: [
        {
          footer: { text: "f".repeat(2049) },
          author: { name: "a".repeat(257) },
          description: "d".repeat(4097),
          fields: [{ name: "n".repeat(257), value: "v" }],
        },
      ],
    }) as { errors: { embeds: { "0": Record<string, unknown> } } };
    expect(Object.keys(body.errors.embeds["0"]).sort()).toEqual(["author", "description", "fields", "footer"]);
  });

  it("counts the 6000-character total across all embeds of a message", () => {
    const e = { title: "t".repeat(200), description: "d".repeat(2900) };
    expect(() => validateMessageBody({ embeds: [e] }, { requireContent: true })).not.toThrow();
    expect(fieldErrors({ embeds: [e, e] })).toMatchObject({
      errors: { embeds: { _errors: [{ code: "MAX_EMBED_SIZE_EXCEEDED" }] } },
    });
  });

  it("an empty message is 50006; enforce_nonce needs a nonce; nonces are at most 25 characters", () => {
    expect(fieldErrors({})).toMatchObject({ code: 50006 });
    expect(fieldErrors({ content: "x", enforce_nonce: true })).toMatchObject({ errors: { nonce: {} } });
    expect(fieldErrors({ content: "x", nonce: "n".repeat(26) })).toMatchObject({ errors: { nonce: {} } });
  });

  it("embed URLs must be well formed http(s); images may also be attachment://", () => {
    expect(fieldErrors({ embeds: [{ title: "t", url: "not a url" }] })).toMatchObject({
      errors: { embeds: { "0": { url: { _errors: [{ code: "URL_TYPE_INVALID_URL" }] } } } },
    });
    expect(fieldErrors({ embeds: [{ title: "t", image: { url: "ftp://example.com/a.png" } }] })).toMatchObject({
      errors: { embeds: { "0": { image: { url: { _errors: [{ code: "URL_TYPE_INVALID_SCHEME" }] } } } } },
    });
    expect(() =>
      validateMessageBody(
        { embeds: [{ title: "t", url: "https://example.com/a", image: { url: "attachment://chart.png" } }] },
        { requireContent: true },
      ),
    ).not.toThrow();
    expect(fieldErrors({ embeds: [{ title: "t", url: "attachment://chart.png" }] })).toMatchObject({
      errors: { embeds: { "0": { url: {} } } },
    });
  });

  it("whitespace-only content is an empty message", () => {
    expect(fieldErrors({ content: "  \n " })).toMatchObject({ code: 50006 });
  });

  it("reports a non-dictionary body instead of crashing", () => {
    expect(fieldErrors("just text")).toMatchObject({ code: 50035 });
    expect(fieldErrors(null)).toMatchObject({ code: 50035 });
  });
});

describe("snowflakes", () => {
  it("generates increasing 19-digit ids whose timestamp is now and that discord.js can BigInt()", () => {
    const ids = new SnowflakeGenerator();
    const before = Date.now();
    const many = Array.from({ length: 5000 }, () => ids.next());
    expect(many.every(isSnowflake)).toBe(true);
    expect(many.every((id) => id.length === 19)).toBe(true);
    expect(new Set(many).size).toBe(many.length);
    const increasing = many.every((id, i) => i === 0 || BigInt(id) > BigInt(many[i - 1]!));
    expect(increasing).toBe(true);
    expect(snowflakeTime(many[0]!)).toBeGreaterThanOrEqual(before);
  });

  it("backdated ids carry the given time; shards follow (id >> 22) % count", () => {
    const ids = new SnowflakeGenerator();
    const at = Date.UTC(2024, 0, 1);
    expect(snowflakeTime(ids.next(at))).toBe(at);
    expect(isSnowflake("user-1")).toBe(false);
    const id = ((123n << 22n) | 5n).toString();
    expect(shardOf(id, 2)).toBe(1);
    expect(shardOf(id, 4)).toBe(3);
  });
});
