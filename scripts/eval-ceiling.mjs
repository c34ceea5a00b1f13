#!/usr/bin/env node
// How far can the grouper's words separate stories at all? An upper bound, not a grouper: it clusters a
// labelled set from ../shared/eval-clustering *offline* (all articles at once, so merges happen in order
// of similarity rather than of arrival) with the grouper's own tokens and TF-IDF weights, for average
// and complete link, and picks the similarity cut-off *on the gold labels*. Neither is open to the
// online grouper, so what this scores is a ceiling for bags of these words, whatever the grouping rule.
//
//   npm run build && node scripts/eval-ceiling.mjs [--dataset ecbplus] [--title-weight 1.5]
//                                                  [--name-boost 2] [--bigrams 0]
//
// --bigrams W adds each pair of adjacent terms as a term of weight W times its field's weight.
// Needs the whole similarity matrix (n² floats) and O(n³) merges: meant for ecbplus (982 articles),
// refused above 3,000. Skips with a message (exit 0) when the shared folder is absent.
import path from "node:path";
import { parseArgs } from "node:util";
import { evalDir, importBuilt, readJsonl, requireEvalData } from "./eval-common.mjs";

const { values: args } = parseArgs({
  options: {
    dataset: { type: "string", default: "ecbplus" },
    "title-weight": { type: "string", default: "1.5" },
    "name-boost": { type: "string", default: "2" },
    bigrams: { type: "string", default: "0" },
  },
});
const dir = path.join(evalDir, "datasets", args.dataset);
requireEvalData("eval-ceiling", dir);
const { tokenize, defaultTermOptions } = await importBuilt("eval-ceiling", "stories/terms.js");
const { defaultGrouperOptions } = await importBuilt("eval-ceiling", "stories/grouper.js");

const articles = readJsonl(path.join(dir, "input.jsonl"));
const gold = new Map(readJsonl(path.join(dir, "gold.jsonl")).map((g) => [g.id, g.cluster]));
const n = articles.length;
if (n > 3000) {
  console.error(`eval-ceiling: ${args.dataset} has ${n} articles; this exhaustive bound is meant for at most 3,000`);
  process.exit(2);
}

// Term frequencies as the grouper weighs them: title occurrences × title weight, names × name boost,
// the excerpt cut to the grouper's token budget.
const titleWeight = Number(args["title-weight"]);
const nameBoost = Number(args["name-boost"]);
const bigrams = Number(args.bigrams);
const termFrequencies = articles.map((article) => {
  const tf = new Map();
  const add = (tokens, weight) => {
    let previous = null;
    for (const token of tokens) {
      tf.set(token.term, (tf.get(token.term) ?? 0) + weight * (token.name ? nameBoost : 1));
      if (bigrams > 0 && previous !== null) {
        const pair = `${previous} ${token.term}`;
        tf.set(pair, (tf.get(pair) ?? 0) + weight * bigrams);
      }
      previous = token.term;
    }
  };
  add(tokenize(article.title ?? ""), titleWeight);
  add(tokenize(article.excerpt ?? "").slice(0, defaultTermOptions.maxExcerptTokens), 1);
  return tf;
});

// Unit TF-IDF vectors (sublinear tf, IDF over the whole set: more than the online grouper ever knows).
const df = new Map();
for (const tf of termFrequencies) for (const term of tf.keys()) df.set(term, (df.get(term) ?? 0) + 1);
const vectors = termFrequencies.map((tf) => {
  const vector = new Map();
  let norm = 0;
  for (const [term, f] of tf) {
    const weight =
      (defaultGrouperOptions.sublinearTf ? 1 + Math.log(f) : f) * (Math.log((n + 1) / (df.get(term) + 1)) + 1);
    vector.set(term, weight);
    norm += weight * weight;
  }
  norm = Math.sqrt(norm) || 1;
  for (const [term, weight] of vector) vector.set(term, weight / norm);
  return vector;
});
const cosine = (a, b) => {
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [term, weight] of small) dot += weight * (large.get(term) ?? 0);
  return dot;
};
const similarity = Array.from({ length: n }, () => new Float64Array(n));
for (let i = 0; i < n; i++) {
  for (let j = i + 1; j < n; j++) {
    const s = cosine(vectors[i], vectors[j]);
    similarity[i][j] = s;
    similarity[j][i] = s;
  }
}

/** Agglomerative merges, most similar clusters first (Lance–Williams update), down to similarity 0.02. */
function merges(link) {
  const s = similarity.map((row) => Float64Array.from(row));
  const size = new Array(n).fill(1);
  const alive = new Array(n).fill(true);
  const out = [];
  for (;;) {
    let bi = -1;
    let bj = -1;
    let best = 0.02;
    for (let i = 0; i < n; i++) {
      if (!alive[i]) continue;
      const row = s[i];
      for (let j = i + 1; j < n; j++) {
        if (alive[j] && row[j] > best) {
          best = row[j];
          bi = i;
          bj = j;
        }
      }
    }
    if (bi === -1) return out;
    out.push([bi, bj, best]);
    for (let k = 0; k < n; k++) {
      if (!alive[k] || k === bi || k === bj) continue;
      const joined =
        link === "average"
          ? (s[bi][k] * size[bi] + s[bj][k] * size[bj]) / (size[bi] + size[bj])
          : Math.min(s[bi][k], s[bj][k]);
      s[bi][k] = joined;
      s[k][bi] = joined;
    }
    size[bi] += size[bj];
    alive[bj] = false;
  }
}

/** B-cubed precision, recall and F1 of a labelling (cluster per article index). */
function bcubed(labels) {
  const predicted = new Map();
  const actual = new Map();
  const both = new Map();
  const count = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
  articles.forEach((article, i) => {
    const g = gold.get(article.id);
    count(predicted, labels[i]);
    count(actual, g);
    count(both, `${labels[i]}\u0000${g}`);
  });
  let precision = 0;
  let recall = 0;
  articles.forEach((article, i) => {
    const g = gold.get(article.id);
    const shared = both.get(`${labels[i]}\u0000${g}`);
    precision += shared / predicted.get(labels[i]);
    recall += shared / actual.get(g);
  });
  precision /= n;
  recall /= n;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}

const pct = (x) => (100 * x).toFixed(1);
console.log(
  `## Offline ceiling on ${args.dataset} (${n} articles; title weight ${titleWeight}, name boost ${nameBoost}, bigrams ${bigrams})\n`,
);
console.log("| link | best cut-off (chosen on the labels) | B-cubed P / R / F1 |");
console.log("|---|---:|---|");
for (const link of ["average", "complete"]) {
  const history = merges(link);
  let best = null;
  for (let cut = 0.04; cut <= 0.5 + 1e-9; cut += 0.01) {
    const parent = Array.from({ length: n }, (_, i) => i);
    const find = (x) => {
      while (parent[x] !== x) x = parent[x];
      return x;
    };
    for (const [i, j, s] of history) if (s >= cut) parent[find(j)] = find(i);
    const score = bcubed(Array.from({ length: n }, (_, i) => find(i)));
    if (!best || score.f1 > best.score.f1) best = { cut, score };
  }
  const { precision, recall, f1 } = best.score;
  console.log(`| ${link} | ${best.cut.toFixed(2)} | ${pct(precision)} / ${pct(recall)} / **${pct(f1)}** |`);
}
