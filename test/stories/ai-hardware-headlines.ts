/**
 * Five unrelated AI-hardware stories that share generic words ("GPU", "ships", "AI"): [title, excerpt].
 * A freshly started bot used to merge them; the grouper's cold-start tests and the bot's fault test
 * both rely on them staying five stories.
 */
export const AI_HARDWARE_HEADLINES = [
  [
    "Nvidia ships first Rubin GPU samples to Microsoft Azure",
    "Azure gets engineering samples of the Rubin GPU ahead of volume shipments.",
  ],
  [
    "AMD Instinct MI350 GPU accelerators land in Oracle cloud racks",
    "Oracle lists MI350 instances in three regions, priced below rivals.",
  ],
  [
    "Cerebras files for a Nasdaq listing after record wafer-scale orders",
    "The wafer-scale chipmaker reports revenue tripled on G42 contracts.",
  ],
  [
    "SK Hynix starts HBM4 mass production for next year's AI data center chips",
    "Twelve-high stacks ship to an unnamed GPU customer from Icheon.",
  ],
  [
    "Intel cuts Gaudi 3 prices to undercut H100 rentals in Europe",
    "Frankfurt and Paris providers now offer Gaudi 3 nodes at half the hourly rate.",
  ],
] as const;
