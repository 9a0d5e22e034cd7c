import { readdir, readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { errorResponse } from "../http/http-errors.js";
import type { HttpRequest, HttpResponse } from "../http/http-types.js";

/** Where `npm run build:console` (and `npm run build`) puts the web console. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL("../../../dist/console", import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/**
 * The page may load and call only its own origin: no inline script, no other
 * host, not framed (so a page elsewhere cannot click through it).
 */
const SECURITY_HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-cache",
};

/**
 * The web console's files, read once at start: `index.html` at `/`, the
 * others under `/console/`. Answers `GET` and `HEAD` of those paths;
 * undefined for any other request. Without a built console, `/` says how to
 * build it.
 */
export async function loadConsoleAssets(
  dir: string = DEFAULT_CONSOLE_DIR,
): Promise<(request: HttpRequest) => HttpResponse | undefined> {
  const files = new Map<string, HttpResponse>();
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const type = CONTENT_TYPES[extname(name)];
    if (!type) continue;
    const body = await readFile(join(dir, name), "utf8");
    const path = name === "index.html" ? "/" : `/console/${name}`;
    files.set(path, { statusCode: 200, headers: { "Content-Type": type, ...SECURITY_HEADERS }, body });
  }
  return (request) => {
    const method = request.method.toUpperCase();
    if (method !== "GET" && method !== "HEAD") return undefined;
    const path = request.path === "/index.html" ? "/" : request.path;
    const file = files.get(path);
    if (file) return file;
    if (path === "/" || path.startsWith("/console/"))
      return errorResponse(
        404,
        "CONSOLE_NOT_BUILT",
        path === "/"
          ? "the web console is not built here: run `npm run build:console` (npm start does it first)"
          : "no such console file",
      );
    return undefined;
  };
}
