import { describe, expect, it } from "vitest";
import { type GroupableArticle, Grouper } from "../../src/stories/grouper.js";
import { AI_HARDWARE_HEADLINES } from "./ai-hardware-headlines.js";

// A freshly started bot holds few stories, so IDF sees every word as rare (df 1 of a handful): these
// are the unrelated headlines that used to merge on one generic shared word ("GPU", "ships", "raises").

const t0 = Date.parse("2026-03-02T09:00:00Z");

function doc(id: string, title: string, excerpt = "", minutesLater = 0): GroupableArticle {
  return { id, title, excerpt, publishedAt: t0 + minutesLater * 60_000 };
}

function storiesOf(grouper: Grouper, docs: GroupableArticle[]): string[] {
  return docs.map((d) => grouper.add(d).story);
}

describe("grouping at cold start (few stories in the window)", () => {
  it("keeps five distinct AI-hardware headlines apart, in any arrival order", () => {
    const docs = AI_HARDWARE_HEADLINES.map(([title, excerpt], i) => doc(`hw${i}`, title, excerpt));
    for (const order of [docs, [...docs].reverse(), [docs[3], docs[0]] as GroupableArticle[]]) {
      const stories = storiesOf(new Grouper(), order);
      expect(new Set(stories).size).toBe(order.length);
    }
  });

  it("still joins a rewrite of the same news into its story", () => {
    const g = new Grouper();
    const docs = AI_HARDWARE_HEADLINES.map(([title, excerpt], i) => doc(`hw${i}`, title, excerpt));
    const stories = storiesOf(g, docs);
    const rewrite = g.add(
      doc(
        "rw",
        "Microsoft Azure receives Nvidia's first Rubin GPU samples",
        "Nvidia has shipped early Rubin samples to Azure data centers before volume production.",
        30,
      ),
    );
    expect(rewrite).toMatchObject({ kind: "joined", story: stories[0] });
  });

  it("does not merge stories that share only a headline template", () => {
    const companies = [
      "Arvex",
      "Brimco",
      "Caldera",
      "Dunmore",
      "Estrin",
      "Fennick",
      "Galvor",
      "Holtz",
      "Ixora",
      "Jorvik",
    ];
    const suffixes = ["tron", "ware", "scale", "core", "logic"];
    const products = ["Kestrel", "Lumen", "Marlin", "Nimbus", "Osprey", "Petrel", "Quill", "Raptor", "Sable", "Tern"];
    const editions = ["one", "pro", "max", "ultra", "lite"];
    const uses = ["training", "inference", "exascale", "edge", "sovereign", "research", "weather", "genomics"];
    const docs: GroupableArticle[] = [];
    for (let i = 0; i < 50; i++) {
      const company = `${companies[i % 10]}${suffixes[Math.floor(i / 10)]}`;
      const product = `${products[(i * 7) % 10]}${editions[Math.floor(i / 10)]}`;
      docs.push(doc(`tpl${i}`, `${company} unveils the ${product} GPU for ${uses[i % uses.length]} clusters`, "", i));
    }
    expect(new Set(storiesOf(new Grouper(), docs)).size).toBe(50);
  });

  it("keeps a GPU supply story out of a miners-to-AI story, and two funding rounds apart", () => {
    const g = new Grouper();
    const miners = g.add(
      doc(
        "m1",
        "Bitcoin miners turn their hangars into AI data centres",
        "Hut 8 and Core Scientific are replacing ASIC rigs with rented GPU racks as hosting pays better.",
      ),
    );
    const minersAgain = g.add(
      doc(
        "m2",
        "Hut 8 and Core Scientific bet on AI hosting as mining margins shrink",
        "The bitcoin miners are converting sites into AI data centres.",
        20,
      ),
    );
    const supply = g.add(
      doc(
        "s1",
        "Bad news for PC builders: Nvidia is reportedly shipping fewer RTX 50 graphics cards",
        "Board partners say GDDR7 memory is being diverted to data center GPUs.",
        40,
      ),
    );
    const fundA = g.add(
      doc("f1", "Tessel raises $180M to point AI agents at legacy code", "The startup's round was led by Index.", 60),
    );
    const fundB = g.add(
      doc(
        "f2",
        "Startup Pingwave raises $40M for its team chat app",
        "Pingwave wants to replace Slack at schools.",
        70,
      ),
    );
    expect(minersAgain.story).toBe(miners.story);
    expect(supply.kind).toBe("created");
    expect(fundA.kind).toBe("created");
    expect(fundB.kind).toBe("created");
  });

  it("asks for the extra evidence only while the window is small", () => {
    // The same pair shares one rare word ("Quorlax"): too little at cold start, enough once IDF has
    // seen enough stories to know which words are rare.
    const pair = [
      doc("q1", "Quorlax ransomware cripples Pellham county courts", "", 10),
      doc("q2", "Quorlax attack: clerks return to paper ledgers", "", 20),
    ];
    // Single words only: the rule under test. Word pairs of headline-only articles (which these are)
    // are tested in grouper.test.ts.
    const cold = new Grouper({ headlinePairWeight: 0 });
    expect(new Set(storiesOf(cold, pair)).size).toBe(2);
    const warm = new Grouper({ coldStories: 2, headlinePairWeight: 0 });
    storiesOf(warm, [doc("bg1", "Harbor ferry timetable changes", "", 0), doc("bg2", "Museum reopens", "", 1)]);
    const [first, second] = storiesOf(warm, pair);
    expect(second).toBe(first);
  });
});
