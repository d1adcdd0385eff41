import { processIo } from './io.js';
import { runCli } from './program.js';

/** The process entry point: runs the CLI and sets the exit code (never calls process.exit mid-flight). */
export async function main(): Promise<void> {
  process.exitCode = await runCli(process.argv.slice(2), processIo());
}
