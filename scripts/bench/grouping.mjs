// Grouping benchmark (run by `npm run bench`, or `npm run bench -- grouping`): the built grouper
// (dist/) fed 100,000 generated articles inside one 72 h window. Prints articles/s, peak heap and the
// cost per article as the window fills from 10k to 100k articles (it should stay flat: candidate
// retrieval scans a bounded number of postings per term).
//
// Articles are generated, not real: a Zipf-distributed background vocabulary of 40,000 words (the
// common words every headline shares) plus, per story, a dozen story-specific words, a product-like
// token and a number, so stories overlap the way news does. Titles ~10 words, excerpts ~40 words;
// 2,000 outlets; story sizes 1–30 (most stories small, a few big).
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const { Grouper } = await import(pathToFileURL(path.join(root, "dist", "src", "stories", "grouper.js")).href);

const TOTAL = Number(process.env.BENCH_ARTICLES ?? 100_000);
const WINDOW_MS = 72 * 3_600_000;
const CHECKPOINTS = [10_000, 25_000, 50_000, 75_000, 100_000].filter((n) => n <= TOTAL);
const SLICE = 2_000; // articles timed around each checkpoint

// Deterministic PRNG (mulberry32) so every run groups the same stream.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(42);

const SYLLABLES = "ka lo mi ne ra to vu si de pa ri mo zu te ga bo fe li nu sa".split(" ");
function word(n) {
  let w = "";
  let x = n + 7;
  do {
    w += SYLLABLES[x % SYLLABLES.length];
    x = Math.floor(x / SYLLABLES.length);
  } while (x > 0);
  return w;
}

// Zipf(1.1) over the background vocabulary, sampled by inverse CDF on a precomputed table.
const VOCAB = 40_000;
const cdf = new Float64Array(VOCAB);
let acc = 0;
for (let i = 0; i < VOCAB; i++) {
  acc += 1 / (i + 1) ** 1.1;
  cdf[i] = acc;
}
function background() {
  const x = rand() * acc;
  let lo = 0;
  let hi = VOCAB - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return word(lo);
}

// Stories: sizes 1–30 with a heavy head of small stories; started uniformly over the window.
const stories = [];
let planned = 0;
while (planned < TOTAL) {
  const size = Math.min(30, 1 + Math.floor(-Math.log(1 - rand()) * 4), TOTAL - planned);
  const specific = Array.from({ length: 12 }, () => word(VOCAB + Math.floor(rand() * 5_000_000)));
  stories.push({
    size,
    specific,
    product: `x${Math.floor(rand() * 1e6)}`,
    number: String(Math.floor(rand() * 10_000)),
  });
  planned += size;
}
// Arrival order: each article of a story within 24 h of its start; the whole stream spans 48 h.
const arrivals = [];
const span = 48 * 3_600_000;
const t0 = Date.parse("2026-01-12T00:00:00Z");
stories.forEach((s, si) => {
  const start = rand() * (span - 24 * 3_600_000);
  for (let k = 0; k < s.size; k++) arrivals.push({ si, time: t0 + start + rand() * 24 * 3_600_000 });
});
arrivals.sort((a, b) => a.time - b.time);

function sentence(story, words, specificShare) {
  const out = [];
  for (let i = 0; i < words; i++) {
    const r = rand();
    if (r < specificShare) out.push(story.specific[Math.floor(rand() * story.specific.length)]);
    else if (r < specificShare + 0.03) out.push(story.product);
    else if (r < specificShare + 0.05) out.push(story.number);
    else out.push(background());
  }
  return out.join(" ");
}

// Texts are made per article, just before it is grouped, and only the grouper's calls are timed: so the
// heap figures are the grouper's (not 100k article texts held by the benchmark) and the time is grouping.
const labels = new Array(arrivals.length);
function article(i) {
  const a = arrivals[i];
  const story = stories[a.si];
  labels[i] = a.si;
  return {
    id: `a${i}`,
    title: sentence(story, 8 + Math.floor(rand() * 6), 0.35),
    excerpt: sentence(story, 30 + Math.floor(rand() * 20), 0.2),
    publishedAt: a.time,
    keys: [`url:https://outlet${Math.floor(rand() * 2000)}.example/${i}`],
  };
}

globalThis.gc?.();
// The grouper keeps its index in typed arrays, whose backing stores live outside the JS heap
// (`arrayBuffers`), so "heap" here is heapUsed + arrayBuffers: otherwise most of the index would not count.
const heapNow = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const heapBefore = heapNow();
const grouper = new Grouper({ windowMs: WINDOW_MS });
const pred = new Array(arrivals.length);
const scores = new Float64Array(arrivals.length);
let peakHeap = heapBefore;
const slices = new Map();
const live = new Map();
const work = new Map();
let workStart = { postingsRead: 0, candidatesScored: 0 };
// CPU time of this process (user + system), not wall time: on a shared machine other processes'
// load would otherwise be counted as the grouper's. Wall time is printed beside it. The clocks are read
// once per batch of articles, not per call: reading them per call (a getrusage system call each) cost
// about an eighth of the time it measured. A batch's texts are generated before its clock starts; batches
// are small so that the texts held meanwhile add little to the young-generation GC the grouper pays for.
const BATCH = 100;
if (SLICE % BATCH !== 0 || CHECKPOINTS.some((c) => c % BATCH !== 0)) throw new Error("marks must fall on batch ends");
const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const batch = new Array(BATCH);
let sliceStart = 0;
let wallNs = 0n;
let cpuUs = 0;
for (let first = 0; first < arrivals.length; first += BATCH) {
  const count = Math.min(BATCH, arrivals.length - first);
  for (let k = 0; k < count; k++) batch[k] = article(first + k);
  if (CHECKPOINTS.includes(first + SLICE)) {
    sliceStart = cpuUs;
    workStart = { ...grouper.work };
  }
  const cpu0 = cpuMicros();
  const wall0 = process.hrtime.bigint();
  for (let k = 0; k < count; k++) {
    const placed = grouper.add(batch[k]);
    pred[first + k] = placed.story;
    scores[first + k] = placed.score;
  }
  wallNs += process.hrtime.bigint() - wall0;
  cpuUs += cpuMicros() - cpu0;
  const end = first + count;
  if (CHECKPOINTS.includes(end)) {
    slices.set(end, (cpuUs - sliceStart) / SLICE);
    work.set(end, {
      postings: (grouper.work.postingsRead - workStart.postingsRead) / SLICE,
      candidates: (grouper.work.candidatesScored - workStart.candidatesScored) / SLICE,
    });
    peakHeap = Math.max(peakHeap, heapNow());
    globalThis.gc?.();
    live.set(end, heapNow() - heapBefore);
  }
  peakHeap = Math.max(peakHeap, heapNow());
}
const seconds = Number(wallNs) / 1e9;
const cpuSeconds = cpuUs / 1e6;
peakHeap = Math.max(peakHeap, heapNow());
if (process.env.BENCH_DUMP) {
  // Each article's story, so a change meant to keep the output (a speed-up) can be diffed against the run before it.
  writeFileSync(process.env.BENCH_DUMP, `${pred.map((story, i) => `${story} ${scores[i]}`).join("\n")}\n`);
}

// Purity on the generated labels: a sanity check that the fast path still groups.
let same = 0;
let total = 0;
const byStory = new Map();
for (let i = 0; i < arrivals.length; i++) {
  const key = `${labels[i]}|${pred[i]}`;
  byStory.set(key, (byStory.get(key) ?? 0) + 1);
}
const goldSize = new Map();
const predSize = new Map();
for (let i = 0; i < arrivals.length; i++) {
  goldSize.set(String(labels[i]), (goldSize.get(String(labels[i])) ?? 0) + 1);
  predSize.set(pred[i], (predSize.get(pred[i]) ?? 0) + 1);
}
let bp = 0;
let br = 0;
for (const [key, n] of byStory) {
  const [g, p] = key.split("|");
  bp += (n * n) / predSize.get(p);
  br += (n * n) / goldSize.get(g);
  same += n;
}
total = arrivals.length;
bp /= total;
br /= total;

const mb = (b) => (b / 2 ** 20).toFixed(0);
console.log("## Grouping\n");
console.log(
  `${arrivals.length.toLocaleString("en")} generated articles in ${stories.length.toLocaleString("en")} stories (sizes 1–30), one 72 h window, nothing evicted.\n`,
);
console.log("| metric | value |");
console.log("|---|---:|");
console.log(`| articles/s (CPU time, whole run) | ${Math.round(arrivals.length / cpuSeconds).toLocaleString("en")} |`);
console.log(`| articles/s (wall time, whole run) | ${Math.round(arrivals.length / seconds).toLocaleString("en")} |`);
console.log(`| peak heap + typed arrays (process) | ${mb(peakHeap)} MB |`);

console.log(`| stories in the window at the end | ${grouper.size.toLocaleString("en")} |`);
console.log(`| B-cubed F1 on the generated labels (sanity) | ${((200 * bp * br) / (bp + br)).toFixed(1)} |`);
console.log("\nCost per article as the window fills (mean over the 2,000 articles up to each mark):\n");
console.log(
  "| articles in window | CPU µs / article | postings read / article | candidates scored / article | live heap + typed arrays of the window (after GC) |",
);
console.log("|---:|---:|---:|---:|---:|");
for (const [n, us] of slices) {
  const w = work.get(n);
  console.log(
    `| ${n.toLocaleString("en")} | ${us.toFixed(1)} | ${w.postings.toFixed(1)} | ${w.candidates.toFixed(2)} | ${mb(live.get(n))} MB |`,
  );
}
console.log("");
if (same !== total) process.exitCode = 1;
