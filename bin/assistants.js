#!/usr/bin/env node
import { readFileSync } from 'node:fs';

// `--version` alone needs only package.json: answered before the CLI (commander and the command
// table) is loaded, so scripts that ask for it often pay little more than node's own start.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${version}\n`);
} else {
  const { main } = await import('../dist/bundle/main.js');
  await main();
}
