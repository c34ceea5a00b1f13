import type { Store } from "../store/store.js";
import type { Story } from "../stories/types.js";

type ReadStory = (id: string) => Promise<Story | undefined>;

/**
 * Reads a story for delivery as the fleet last wrote it. Only the poll leader groups articles, so a
 * follower's in-memory window can hold an older version of a story the leader just grew; rendering
 * that one would post stale text, or judge an edit "unchanged" and drop it. The newer of the local
 * copy and the store's wins (the local one can be newer when its write to the store failed).
 *
 * The store's "stories" collection holds `{ story, keys }` records (src/stories/stories.ts).
 */
export function sharedStoryReader(store: Store, local: ReadStory): ReadStory {
  const stored = store.collection<{ story?: Story }>("stories");
  return async (id) => {
    const [mine, shared] = await Promise.all([local(id), stored.get(id).then((s) => s?.story)]);
    if (!mine || !shared) return mine ?? shared;
    return Date.parse(shared.updatedAt) > Date.parse(mine.updatedAt) ? shared : mine;
  };
}
