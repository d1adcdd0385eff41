import type { TestProject } from 'vitest/node';
import { startPostgres } from './helpers/postgres-server.js';

/**
 * One PostgreSQL server for the whole test run (about a second to start). Tests reach it with
 * `inject('postgresUrl')` and keep out of each other's way with a schema of their own
 * (`?schema=`), which also keys the advisory locks.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  keepExitCode();
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return server.stop;
}

/**
 * The server's package hooks Node's `beforeExit` to stop its servers and then calls
 * `process.exit(0)`: in this process, whose exit code says whether tests failed, that turned every
 * failed run into a success. The code the run set is taken before that hook runs and put back as
 * the process exits.
 */
function keepExitCode(): void {
  let code: typeof process.exitCode;
  process.prependListener('beforeExit', () => {
    code = process.exitCode;
  });
  process.on('exit', () => {
    if (code !== undefined && code !== 0) process.exitCode = code;
  });
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
