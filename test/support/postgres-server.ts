import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A real PostgreSQL server for the tests: Debian's `postgresql` package
 * (`/usr/lib/postgresql/<version>/bin`, the newest version there), initialised
 * in a temporary folder and listening on a free loopback port, with its socket
 * in that folder too (`-k`), trust authentication, and durability off (no
 * fsync: a test database is thrown away). As root it runs as the `postgres`
 * user, since PostgreSQL refuses to run as root. Measured here: initdb ≈ 1.1 s,
 * start ≈ 0.3 s, stop ≈ 0.1 s, so each test file starts its own.
 */
export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  /** The superuser, who needs no password (trust authentication). */
  readonly user: string;
  readonly database: string;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly connectionString: string;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

const DEBIAN_ROOT = "/usr/lib/postgresql";

/** The bin folder of the newest PostgreSQL installed, or undefined when none is. */
export function postgresBinDir(): string | undefined {
  if (!existsSync(DEBIAN_ROOT)) return undefined;
  const versions = readdirSync(DEBIAN_ROOT)
    .filter((name) => /^\d+(\.\d+)?$/.test(name) && existsSync(join(DEBIAN_ROOT, name, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(DEBIAN_ROOT, versions[0], "bin");
}

/** Why a server cannot be started here, or undefined when it can. */
export function postgresServerUnavailable(): string | undefined {
  if (postgresBinDir() === undefined) {
    return `no PostgreSQL server binaries under ${DEBIAN_ROOT}/*/bin (apt-get install postgresql)`;
  }
  if (isRoot() && uidOf("postgres") === undefined) return "running as root and there is no postgres user";
  return undefined;
}

function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

function uidOf(user: string): { uid: number; gid: number } | undefined {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith(`${user}:`));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

/** Runs a server binary, as `postgres` when we are root. */
function command(bin: string, args: readonly string[]): [string, string[]] {
  return isRoot() ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, [...args]];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

function run(bin: string, args: readonly string[]): Promise<void> {
  const [file, argv] = command(bin, args);
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${bin} exited with ${code}: ${stderr.trim()}`)),
    );
  });
}

/**
 * Initialises and starts a server; throws when the binaries are missing (check
 * {@link postgresServerUnavailable} first). The server is also stopped when the
 * process exits without calling `stop`.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error(postgresServerUnavailable());
  const dir = mkdtempSync(join(tmpdir(), "orderflow-pg-"));
  const owner = isRoot() ? uidOf("postgres") : undefined;
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, "data");
  const pgCtl = join(bin, "pg_ctl");

  await run(join(bin, "initdb"), [
    "-D",
    data,
    "-U",
    "postgres",
    "-A",
    "trust",
    "-E",
    "UTF8",
    "--locale=C",
    "--no-sync",
  ]);

  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      "-c listen_addresses=127.0.0.1",
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
      "-c max_connections=200",
    ].join(" ");
    try {
      await run(pgCtl, ["-D", data, "-l", join(dir, "server.log"), "-w", "-t", "30", "-o", options, "start"]);
      break;
    } catch (err) {
      // Another process may have taken the port between our probe and the server's bind.
      if (attempt >= 3) {
        const log = existsSync(join(dir, "server.log")) ? readFileSync(join(dir, "server.log"), "utf8") : "";
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`PostgreSQL did not start: ${(err as Error).message}\n${log}`);
      }
    }
  }

  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    const [file, argv] = command(pgCtl, ["-D", data, "-m", "immediate", "-w", "stop"]);
    spawnSync(file, argv, { stdio: "ignore" });
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", stopNow);

  const host = "127.0.0.1";
  return {
    host,
    port,
    user: "postgres",
    database: "postgres",
    connectionString: `postgres://postgres@${host}:${port}/postgres`,
    async stop() {
      process.off("exit", stopNow);
      if (stopped) return;
      stopped = true;
      try {
        await run(pgCtl, ["-D", data, "-m", "fast", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The server's version line (for reports), e.g. `pg_ctl (PostgreSQL) 15.14`. */
export function postgresServerVersion(): string | undefined {
  const bin = postgresBinDir();
  return bin === undefined ? undefined : execFileSync(join(bin, "pg_ctl"), ["--version"]).toString().trim();
}
