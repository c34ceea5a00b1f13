import { Poller } from "../feeds/poller.js";
import { openFeedRuntime, writeOut } from "../feeds/runtime.js";
import type { CliCommand } from "./command.js";

const usage = `Usage: newsdesk poll [--once] [--config DIR] [--store URL]

Polls the configured feeds and prints each new article as one JSON line (an Article). A feed's first
poll only records what it lists (plus settings poll.backfill items); items older than poll.maxItemAge
are never printed. Feed failures are logged on stderr and kept in the feed's health (newsdesk feeds).

Without --once, polls on the poll.schedule cron expression until interrupted (Ctrl-C).

Options:
  --once              run one poll cycle over the feeds that are due, then exit
  --config DIR        configuration folder (default: CONFIG_DIR, else config)
  --store URL         state store (default: STORE_URL, else sqlite://./data/newsdesk.sqlite)
  -h, --help          show this help
`;

export const pollCommand: CliCommand = {
  name: "poll",
  summary: "poll the configured feeds and print new articles as JSON Lines",
  usage,
  options: { once: { type: "boolean" }, config: { type: "string" }, store: { type: "string" } },
  positionals: false,
  async run({ values }, io) {
    const { config, logger, store } = await openFeedRuntime("poll", values, io);
    const poller = new Poller({
      store,
      feeds: config.feeds,
      topics: config.topics,
      settings: config.settings.poll,
      logger,
      onArticles: async (articles) => {
        await writeOut(io.stdout, articles.map((a) => `${JSON.stringify(a)}\n`).join(""));
      },
    });
    try {
      if (values.once) {
        await poller.runCycle();
        return 0;
      }
      const task = poller.start();
      logger.info({ schedule: config.settings.poll.schedule, feeds: config.feeds.length }, "polling on schedule");
      await task.execute(); // a first cycle now rather than at the next tick
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      return 0;
    } finally {
      await poller.close();
      await store.close();
    }
  },
};
