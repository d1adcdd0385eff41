import type { TestProject } from 'vitest/node';
import { startPostgres } from './helpers/postgres-server.js';

/**
 * One PostgreSQL server for the whole test run (about a second to start). Tests reach it with
 * `inject('postgresUrl')` and keep out of each other's way with a schema of their own
 * (`?schema=`), which also keys the advisory locks.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return server.stop;
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
