// The app imports only `@echo-video/client`; it is read from the client's sources, so
// the app builds without building the client first (the package stays the only door).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  resolve: {
    alias: {
      "@echo-video/client": fileURLToPath(
        new URL("../clients/typescript/src/index.ts", import.meta.url),
      ),
    },
  },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
});
