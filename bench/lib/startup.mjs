// The start-up size of `npm run bench` (START): `assistants --version` against a bare `node -e 0`,
// and `assistants validate` of an example manifest, ROUNDS times each, interleaved so that a busy
// moment of the machine weighs on all three alike; the medians are the figures.
import { fileURLToPath } from 'node:url';
import { timeNode } from './measure.mjs';
import { BIN } from './tools.mjs';

const ROUNDS = 5;
const EXAMPLE = fileURLToPath(new URL('../../examples/support-bot/', import.meta.url));

export async function runStartup({ name }, { log }) {
  log(`\n== ${name}: start-up, median of ${ROUNDS}`);
  const commands = {
    'node -e 0': ['-e', '0'],
    'assistants --version': [BIN, '--version'],
    'assistants validate (examples/support-bot)': [BIN, 'validate'],
  };
  const times = Object.fromEntries(Object.keys(commands).map((label) => [label, []]));
  const codes = Object.fromEntries(Object.keys(commands).map((label) => [label, []]));
  for (let round = 0; round < ROUNDS; round += 1)
    for (const [label, args] of Object.entries(commands)) {
      const { code, seconds } = await timeNode(args, EXAMPLE);
      times[label].push(seconds);
      codes[label].push(code);
    }
  const commandsOut = {};
  for (const label of Object.keys(commands)) {
    commandsOut[label] = { median: median(times[label]), seconds: times[label], codes: codes[label] };
    log(`${name} ${label.padEnd(44)} median ${commandsOut[label].median.toFixed(3)} s`);
  }
  return { kind: 'startup', size: name, rounds: ROUNDS, commands: commandsOut };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
