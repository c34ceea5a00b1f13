import { maskUrl, StoreError } from "./store.js";

/** What a STORE_URL says once newsdesk's own query parameters are taken off it. */
export interface StoreUrl {
  /** `sqlite`, `redis`, `postgres`, … in lower case. */
  scheme: string;
  /** The URL the driver gets: newsdesk's parameters removed, everything else (sslmode, …) kept. */
  target: string;
  /** `?prefix=`: the key prefix, so operators can run two deployments on one server. */
  prefix?: string;
  /** `?schema=` (PostgreSQL): the schema holding the table. */
  schema?: string;
  /** `?pool_size=` (PostgreSQL): connections in the pool. */
  poolSize?: number;
}

/**
 * Splits newsdesk's own parameters off a store URL. STORE_URL is the only storage setting an operator
 * has, so the options that matter in production can be written there:
 * `postgres://bot:pw@db/newsdesk?schema=bot&pool_size=10&prefix=staging`.
 */
export function parseStoreUrl(url: string): StoreUrl {
  const colon = url.indexOf(":");
  const scheme = colon > 0 ? url.slice(0, colon).toLowerCase() : "";
  const query = url.indexOf("?");
  if (query < 0) return { scheme, target: url };

  const params = new URLSearchParams(url.slice(query + 1));
  const take = (name: string): string | undefined => {
    const value = params.get(name);
    params.delete(name);
    return value ?? undefined;
  };
  const prefix = take("prefix");
  const schema = take("schema");
  const poolSize = take("pool_size");
  const rest = params.toString();
  const parsed: StoreUrl = { scheme, target: `${url.slice(0, query)}${rest ? `?${rest}` : ""}` };

  const problem = (text: string) => new StoreError(`store URL ${maskUrl(url)}: ${text}`);
  const isPostgres = scheme === "postgres" || scheme === "postgresql";
  if (prefix !== undefined) parsed.prefix = prefix;
  if (schema !== undefined) {
    if (!isPostgres) throw problem("schema= applies to postgres:// URLs only");
    // The adapter writes the schema into its SQL unquoted, so only plain identifiers are safe.
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw problem(`schema "${schema}" must be lower-case letters, digits and "_"`);
    }
    parsed.schema = schema;
  }
  if (poolSize !== undefined) {
    if (!isPostgres) throw problem("pool_size= applies to postgres:// URLs only");
    const size = Number(poolSize);
    if (!Number.isInteger(size) || size < 1 || size > 100) throw problem(`pool_size "${poolSize}" must be 1 to 100`);
    parsed.poolSize = size;
  }
  return parsed;
}
