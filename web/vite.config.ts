import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The server (deckchat/api/routes/site.py) serves this build: /assets/* plus index.html for the SPA routes.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "../deckchat/web_dist",
    emptyOutDir: true,
  },
  server: {
    // `npm run dev` against `deckchat serve` on its default port.
    proxy: { "/api": "http://127.0.0.1:8000", "/media": "http://127.0.0.1:8000" },
  },
  test: {
    include: ["src/**/*.test.{ts,tsx}"],
    // Pure modules run in Node; component tests ask for jsdom with a `@vitest-environment` comment.
    environment: "node",
    setupFiles: ["src/test-setup.ts"],
  },
});
