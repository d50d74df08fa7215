// Builds the web UI (run as `vite build src/ui`, so this folder is the root) into dist/ui/,
// which the agent serves at /ui/. JSX goes through Vite's own transform with Preact's runtime.

import { defineConfig } from "vite";

export default defineConfig({
  base: "/ui/",
  publicDir: "public",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "../../dist/ui",
    emptyOutDir: true,
    target: "es2022",
    // No inline polyfill script: the page's Content-Security-Policy allows scripts from 'self' only.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
