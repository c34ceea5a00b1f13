import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Suites start servers on port 0 and real databases; forks keep their handles apart.
    pool: "forks",
    reporters: process.env.CI ? ["default"] : ["default"],
  },
});
