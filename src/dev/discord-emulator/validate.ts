import type {
  APIApplicationCommandOptionChoice,
  APIEmbed,
  RESTPostAPIApplicationCommandsJSONBody,
  RESTPostAPIChannelMessageJSONBody,
} from "discord-api-types/v10";
import { ApplicationCommandType, InteractionResponseType } from "discord-api-types/v10";
import { z } from "zod";
import { emptyMessage, type FieldError, type FieldPath, invalidFormBody } from "./errors.js";
import { isSnowflake } from "./snowflake.js";

/*
 * Request bodies are typed with discord-api-types (the maintained description of the API's shapes)
 * and checked at run time with zod schemas written against those types. Discord's own limits that
 * the types cannot express (lengths, counts, the 6000-character embed total, mention rules) are
 * encoded here, and failures are reported with Discord's error codes and field paths.
 */

/** Discord's documented limits, in one place so tests and docs quote the same numbers. */
export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  embedTotal: 6000,
  nonce: 25,
  mentionIds: 100,
  choices: 25,
  commandName: 32,
  commandDescription: 100,
  commandOptions: 25,
} as const;

const snowflake = z.string().refine(isSnowflake, { params: { snowflake: true } });
/**
 * Discord checks every embed URL: it must parse, and use http(s) (images and icons may also point at
 * an uploaded file with attachment://). A feed's odd link fails here exactly as it would in production.
 */
function urlField(options: { attachments: boolean }) {
  const schemes = options.attachments ? ["http:", "https:", "attachment:"] : ["http:", "https:"];
  return z
    .string()
    .max(2048)
    .superRefine((value, ctx) => {
      let parsed: URL;
      try {
        parsed = new URL(value);
      } catch {
        ctx.addIssue({ code: "custom", params: { code: "URL_TYPE_INVALID_URL" }, message: "Not a well formed URL." });
        return;
      }
      if (!schemes.includes(parsed.protocol)) {
        const allowed = schemes.map((p) => `'${p.slice(0, -1)}'`).join(", ");
        ctx.addIssue({
          code: "custom",
          params: { code: "URL_TYPE_INVALID_SCHEME" },
          message: `Scheme "${parsed.protocol.slice(0, -1)}" is not supported. Scheme must be one of (${allowed}).`,
        });
      }
    });
}
const url = urlField({ attachments: false });
const mediaUrl = urlField({ attachments: true });

const embedSchema = z.object({
  title: z.string().max(LIMITS.embedTitle).optional(),
  type: z.string().optional(),
  description: z.string().max(LIMITS.embedDescription).optional(),
  url: url.optional(),
  timestamp: z.iso.datetime({ offset: true }).optional(),
  color: z.number().int().min(0).max(0xffffff).optional().nullable(),
  footer: z.object({ text: z.string().max(LIMITS.footerText), icon_url: mediaUrl.optional() }).optional(),
  image: z.object({ url: mediaUrl }).optional(),
  thumbnail: z.object({ url: mediaUrl }).optional(),
  author: z
    .object({ name: z.string().max(LIMITS.authorName), url: url.optional(), icon_url: mediaUrl.optional() })
    .optional(),
  fields: z
    .array(
      z.object({
        name: z.string().min(1).max(LIMITS.fieldName),
        value: z.string().min(1).max(LIMITS.fieldValue),
        inline: z.boolean().optional(),
      }),
    )
    .max(LIMITS.embedFields)
    .optional(),
});

const allowedMentionsSchema = z.object({
  parse: z.array(z.enum(["users", "roles", "everyone"])).optional(),
  users: z.array(snowflake).max(LIMITS.mentionIds).optional(),
  roles: z.array(snowflake).max(LIMITS.mentionIds).optional(),
  replied_user: z.boolean().optional(),
});

const messageReferenceSchema = z.object({
  type: z.number().int().optional(),
  message_id: snowflake,
  channel_id: snowflake.optional(),
  guild_id: snowflake.optional(),
  fail_if_not_exists: z.boolean().optional(),
});

const messageSchema = z.object({
  content: z.string().max(LIMITS.content).optional().nullable(),
  nonce: z
    .union([z.number().int(), z.string().max(LIMITS.nonce)])
    .optional()
    .nullable(),
  enforce_nonce: z.boolean().optional(),
  tts: z.boolean().optional(),
  embeds: z.array(embedSchema).max(LIMITS.embeds).optional().nullable(),
  allowed_mentions: allowedMentionsSchema.optional().nullable(),
  message_reference: messageReferenceSchema.optional().nullable(),
  components: z.array(z.unknown()).max(40).optional().nullable(),
  sticker_ids: z.array(snowflake).max(3).optional(),
  attachments: z.array(z.unknown()).max(10).optional().nullable(),
  flags: z.number().int().optional().nullable(),
});

/** A message body after validation: the fields the emulator stores and echoes back. */
export type MessageBody = RESTPostAPIChannelMessageJSONBody & { enforce_nonce?: boolean };

type Issue = z.core.$ZodIssue & { input?: unknown };

/** Translates zod's wording into the codes and sentences Discord answers with. */
function toFieldError(issue: Issue): FieldError {
  switch (issue.code) {
    case "too_big":
      return { code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${issue.maximum} or fewer in length.` };
    case "too_small":
      if (issue.origin === "number")
        return { code: "NUMBER_TYPE_MIN", message: `int value should be ${issue.minimum} or greater.` };
      return { code: "BASE_TYPE_MIN_LENGTH", message: `Must be ${issue.minimum} or more in length.` };
    case "invalid_type":
      if (issue.input === undefined) return { code: "BASE_TYPE_REQUIRED", message: "This field is required" };
      return {
        code: `BASE_TYPE_BAD_TYPE`,
        message: `Could not interpret "${String(issue.input)}" as ${issue.expected}.`,
      };
    case "invalid_value":
      return {
        code: "BASE_TYPE_CHOICES",
        message: `Value must be one of {${issue.values.map((v) => JSON.stringify(v)).join(", ")}}.`,
      };
    case "custom":
      if (issue.params?.snowflake)
        return { code: "NUMBER_TYPE_COERCE", message: `Value "${String(issue.input)}" is not snowflake.` };
      return { code: String(issue.params?.code ?? "BASE_TYPE_INVALID"), message: issue.message };
    case "invalid_format":
      return { code: "DATE_TIME_TYPE_PARSE", message: `Could not parse ${String(issue.input)}. Should be ISO8601.` };
    default:
      return { code: "BASE_TYPE_INVALID", message: issue.message };
  }
}

type FieldProblem = { path: FieldPath; error: FieldError };

function parse<T>(schema: z.ZodType<T>, body: unknown): { value: T; problems: FieldProblem[] } {
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return { value: result.data, problems: [] };
  return {
    value: body as T,
    problems: result.error.issues.map((issue) => ({
      path: issue.path.map((p) => (typeof p === "symbol" ? String(p) : p)),
      error: toFieldError(issue as Issue),
    })),
  };
}

/** Characters Discord counts toward the 6000 limit, across every embed of the message. */
export function embedCharacters(embeds: readonly APIEmbed[]): number {
  let total = 0;
  for (const e of embeds) {
    total += (e.title?.length ?? 0) + (e.description?.length ?? 0);
    total += (e.footer?.text.length ?? 0) + (e.author?.name.length ?? 0);
    for (const f of e.fields ?? []) total += f.name.length + f.value.length;
  }
  return total;
}

function crossFieldProblems(body: MessageBody): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const embeds = body.embeds ?? [];
  if (embeds.length > 0 && embedCharacters(embeds) > LIMITS.embedTotal) {
    problems.push({
      path: ["embeds"],
      error: { code: "MAX_EMBED_SIZE_EXCEEDED", message: `Embed size exceeds maximum size of ${LIMITS.embedTotal}` },
    });
  }
  const mentions = body.allowed_mentions;
  for (const kind of ["users", "roles"] as const) {
    if ((mentions?.parse as string[] | undefined)?.includes(kind) && (mentions?.[kind]?.length ?? 0) > 0) {
      problems.push({
        path: ["allowed_mentions"],
        error: {
          code: "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
          message: `parse:["${kind}"] and ${kind}: [ids] are mutually exclusive.`,
        },
      });
    }
  }
  if (body.enforce_nonce && (body.nonce === undefined || body.nonce === null)) {
    problems.push({ path: ["nonce"], error: { code: "BASE_TYPE_REQUIRED", message: "This field is required" } });
  }
  return problems;
}

/**
 * Validates a message body the way POST/PATCH messages and interaction replies do. Throws the
 * DiscordHttpError Discord would answer with (50035 with field paths, or 50006 for nothing to send).
 */
export function validateMessageBody(body: unknown, options: { requireContent: boolean }): MessageBody {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalidFormBody([
      { path: [], error: { code: "DICT_TYPE_CONVERT", message: "Only dictionaries may be used in a DictType" } },
    ]);
  }
  const { value, problems } = parse(messageSchema, body);
  if (problems.length > 0) throw invalidFormBody(problems);
  const message = value as MessageBody;
  const cross = crossFieldProblems(message);
  if (cross.length > 0) throw invalidFormBody(cross);
  if (options.requireContent && isEmptyMessage(message)) throw emptyMessage();
  return { ...(body as MessageBody) };
}

function isEmptyMessage(body: MessageBody): boolean {
  return (
    // Whitespace alone is nothing to send.
    !body.content?.trim() &&
    (body.embeds?.length ?? 0) === 0 &&
    (body.attachments?.length ?? 0) === 0 &&
    (body.components?.length ?? 0) === 0 &&
    (body.sticker_ids?.length ?? 0) === 0 &&
    !("poll" in body && body.poll)
  );
}

const choiceSchema = z.object({
  name: z.string().min(1).max(100),
  value: z.union([z.string().max(100), z.number()]),
  name_localizations: z.record(z.string(), z.string()).optional().nullable(),
}) satisfies z.ZodType<APIApplicationCommandOptionChoice>;

/** Validates an interaction callback; returns its type and data. */
export function validateInteractionCallback(body: unknown): { type: InteractionResponseType; data: unknown } {
  const { value, problems } = parse(
    z.object({
      type: z.union([
        z.literal(InteractionResponseType.Pong),
        z.literal(InteractionResponseType.ChannelMessageWithSource),
        z.literal(InteractionResponseType.DeferredChannelMessageWithSource),
        z.literal(InteractionResponseType.DeferredMessageUpdate),
        z.literal(InteractionResponseType.UpdateMessage),
        z.literal(InteractionResponseType.ApplicationCommandAutocompleteResult),
        z.literal(InteractionResponseType.Modal),
      ]),
      data: z.unknown().optional(),
    }),
    body,
  );
  if (problems.length > 0) throw invalidFormBody(problems);
  if (value.type === InteractionResponseType.ApplicationCommandAutocompleteResult) {
    const choices = parse(z.object({ choices: z.array(choiceSchema).max(LIMITS.choices) }), value.data ?? {});
    if (choices.problems.length > 0)
      throw invalidFormBody(choices.problems.map((p) => ({ ...p, path: ["data", ...p.path] })));
  }
  return { type: value.type, data: value.data };
}

const optionSchema: z.ZodType<unknown> = z.lazy(() =>
  z.object({
    type: z.number().int().min(1).max(11),
    name: z
      .string()
      .min(1)
      .max(LIMITS.commandName)
      .regex(/^[-_\p{L}\p{N}]+$/u),
    description: z.string().min(1).max(LIMITS.commandDescription),
    required: z.boolean().optional(),
    choices: z.array(choiceSchema).max(LIMITS.choices).optional(),
    options: z.array(optionSchema).max(LIMITS.commandOptions).optional(),
    autocomplete: z.boolean().optional(),
  }),
);

const commandSchema = z
  .object({
    type: z.number().int().min(1).max(4).optional(),
    name: z.string().min(1).max(LIMITS.commandName),
    description: z.string().max(LIMITS.commandDescription).optional(),
    options: z.array(optionSchema).max(LIMITS.commandOptions).optional(),
    default_member_permissions: z.string().regex(/^\d+$/).optional().nullable(),
  })
  .superRefine((cmd, ctx) => {
    const chatInput = (cmd.type ?? ApplicationCommandType.ChatInput) === ApplicationCommandType.ChatInput;
    if (chatInput && !/^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u.test(cmd.name)) {
      ctx.addIssue({
        code: "custom",
        path: ["name"],
        params: { code: "APPLICATION_COMMAND_INVALID_NAME" },
        message: "Command name is invalid",
      });
    }
    if (chatInput && !cmd.description) {
      ctx.addIssue({
        code: "custom",
        path: ["description"],
        params: { code: "BASE_TYPE_REQUIRED" },
        message: "This field is required",
      });
    }
  });

/** Validates a bulk overwrite body (an array of commands, at most 100 of each type). */
export function validateCommands(body: unknown): RESTPostAPIApplicationCommandsJSONBody[] {
  const { value, problems } = parse(z.array(commandSchema).max(200), body);
  if (problems.length > 0) throw invalidFormBody(problems);
  const names = new Set<string>();
  value.forEach((cmd, i) => {
    const key = `${cmd.type ?? 1}:${cmd.name}`;
    if (names.has(key)) {
      throw invalidFormBody([
        {
          path: [i, "name"],
          error: { code: "APPLICATION_COMMANDS_DUPLICATE_NAME", message: `Application command names must be unique` },
        },
      ]);
    }
    names.add(key);
  });
  return body as RESTPostAPIApplicationCommandsJSONBody[];
}

export function validateCommand(body: unknown): RESTPostAPIApplicationCommandsJSONBody {
  const { problems } = parse(commandSchema, body);
  if (problems.length > 0) throw invalidFormBody(problems);
  return body as RESTPostAPIApplicationCommandsJSONBody;
}
