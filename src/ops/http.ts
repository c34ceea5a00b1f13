import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../log.js";
import type { Metrics } from "./metrics.js";

export interface HealthReport {
  /** Every shard of this process is connected to the gateway. */
  gateway: boolean;
  /** The store answered a write just now. */
  store: boolean;
  /** ISO time of the last finished poll cycle in this process, or null. */
  lastPollAt: string | null;
}

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * `/healthz` (200 when the gateway is connected and the store reachable, else 503, with the details
 * as JSON) and `/metrics` (Prometheus text format). Nothing else, and nothing secret.
 */
export async function startOpsServer(options: {
  port: number;
  host?: string;
  metrics: Metrics;
  health: () => Promise<HealthReport>;
  log: Logger;
}): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const respond = async () => {
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405, { allow: "GET, HEAD" }).end();
        return;
      }
      if (path === "/healthz") {
        const report = await options.health();
        const ok = report.gateway && report.store;
        res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
        res.end(JSON.stringify({ status: ok ? "ok" : "unhealthy", ...report }));
        return;
      }
      if (path === "/metrics") {
        const body = await options.metrics.registry.metrics();
        res.writeHead(200, { "content-type": options.metrics.registry.contentType });
        res.end(body);
        return;
      }
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: try /healthz or /metrics\n");
    };
    respond().catch((err) => {
      options.log.error({ err, path }, "ops endpoint failed");
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  options.log.info({ port }, "health and metrics served on /healthz and /metrics");
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
