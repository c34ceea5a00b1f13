// Renders a story post, as the bot builds it, to docs/story-post.svg: the README's picture stays
// true to the real embed code. Run after `npm run build`: node scripts/render-post.mjs
import { writeFileSync } from "node:fs";
import { storyEmbed } from "../dist/src/discord/embeds.js";

const story = {
  id: "hut8-ai",
  lead: {
    id: "a1",
    url: "https://techspot.com/news/110318-bitcoin-miners-swapping-asics-for-gpus.html",
    title: "Bitcoin miners are swapping ASICs for GPUs as AI hosting pays better than hashing",
    excerpt:
      "Hut 8, Core Scientific and Hive are turning former mining sites into AI data centres, leasing H100 capacity to cloud customers as hashing margins shrink.",
    image: "https://techspot.com/images/hut8.jpg",
    provider: { name: "TechSpot", domain: "techspot.com" },
    publishedAt: "2026-01-15T09:40:00Z",
    quality: 64,
    topics: ["ai-hardware"],
  },
  related: [
    { id: "a2", provider: { name: "Decrypt", domain: "decrypt.co" } },
    { id: "a3", provider: { name: "PC Gamer", domain: "pcgamer.com" } },
    { id: "a4", provider: { name: "Tom's Hardware", domain: "tomshardware.com" } },
  ].map((a) => ({
    ...a,
    url: "https://example.com",
    title: "",
    excerpt: "",
    image: null,
    publishedAt: "2026-01-15T10:00:00Z",
    quality: 50,
    topics: [],
  })),
  topics: ["ai-hardware", "hardware"],
  heat: 4,
  quality: 70,
  firstSeenAt: "2026-01-15T09:40:00Z",
  updatedAt: "2026-01-15T12:00:00Z",
};
const topics = {
  "ai-hardware": { slug: "ai-hardware", name: "AI Hardware", color: 0x76b900 },
  hardware: { slug: "hardware", name: "Hardware", color: 0xe67e22 },
};
const e = storyEmbed(story, { topics: (s) => topics[s], relatedEmoji: "🔗" });

const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
/** Discord renders **bold**; the picture shows it as bold and drops the escapes. */
const unescapeMarkdown = (s) => s.replace(/\\([\\*_~`|>#\-.[\]()])/g, "$1");
function wrap(text, width) {
  const lines = [];
  for (const para of text.split("\n")) {
    let line = "";
    for (const word of para.split(" ")) {
      if (`${line} ${word}`.trim().length > width) {
        lines.push(line.trim());
        line = word;
      } else line += ` ${word}`;
    }
    lines.push(line.trim());
  }
  return lines;
}
const W = 560;
let y = 34;
const parts = [];
parts.push(`<text x="28" y="${y}" class="author">${esc(e.author.name)}</text>`);
y += 26;
for (const l of wrap(e.title, 52)) {
  parts.push(`<text x="28" y="${y}" class="title">${esc(l)}</text>`);
  y += 22;
}
y += 6;
for (const l of wrap(unescapeMarkdown(e.description), 68)) {
  const bold = l.match(/^\*\*(.+?)\*\*(.*)$/);
  parts.push(
    bold
      ? `<text x="28" y="${y}" class="desc"><tspan font-weight="700">${esc(bold[1])}</tspan>${esc(bold[2])}</text>`
      : `<text x="28" y="${y}" class="desc">${esc(l)}</text>`,
  );
  y += l === "" ? 10 : 20;
}
y += 8;
parts.push(`<rect x="28" y="${y}" width="${W - 56}" height="150" rx="6" fill="#4e5058"/>`);
parts.push(`<text x="${W / 2}" y="${y + 80}" class="img" text-anchor="middle">lead image</text>`);
y += 172;
const time = new Date(e.timestamp).toUTCString().slice(5, 22);
parts.push(`<text x="28" y="${y}" class="foot">${esc(e.footer.text)} • ${esc(time)}</text>`);
y += 22;
const color = `#${e.color.toString(16).padStart(6, "0")}`;
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y}" viewBox="0 0 ${W} ${y}" font-family="'gg sans','Noto Sans',Helvetica,Arial,sans-serif">
<style>.author{fill:#f2f3f5;font-size:13px;font-weight:600}.title{fill:#00a8fc;font-size:16px;font-weight:600}.desc{fill:#dbdee1;font-size:14px}.foot{fill:#b5bac1;font-size:11.5px}.img{fill:#b5bac1;font-size:13px}</style>
<rect width="${W}" height="${y}" rx="8" fill="#2b2d31"/><rect width="4" height="${y}" rx="2" fill="${color}"/>
${parts.join("\n")}
</svg>
`;
writeFileSync(new URL("../docs/story-post.svg", import.meta.url), svg);
console.log(`docs/story-post.svg: ${e.title}`);
