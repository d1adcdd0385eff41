// The two tools `npm run bench` compares, as the commands each scenario runs: assistants-iac (this
// checkout's bin/assistants.js) and the best plain-SDK script (bench/baseline-sdk.mjs).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/assistants.js', import.meta.url));
const BASELINE = fileURLToPath(new URL('../baseline-sdk.mjs', import.meta.url));

export const OURS = 'assistants-iac';
export const BASELINE_NAME = 'SDK script';

/**
 * Per tool: `command(args, dir, url)` gives `{ script, args }` for lib/measure.mjs; each scenario's
 * arguments (null: the tool has no such step) and the exit codes a plan may end with.
 */
export const TOOLS = [
  {
    name: OURS,
    command: (args, dir, url) => ({
      script: BIN,
      args: [...args, '-f', dir, '--state', join(dir, 'state.json'), '--base-url', url],
    }),
    validate: ['validate'],
    firstApply: ['apply', '--auto-approve'],
    plan: ['plan', '--detailed-exitcode'],
    planCodes: { clean: [0], changed: [2] },
    reapply: ['apply', '--auto-approve'],
    destroy: ['destroy', '--auto-approve'],
  },
  {
    name: BASELINE_NAME,
    command: (args, dir, url) => ({
      script: BASELINE,
      args: [args[0], dir, ...args.slice(1), '--base-url', url],
    }),
    validate: null, // the SDK checks nothing before the first request
    firstApply: ['apply'],
    // With no state, a re-run is how such a script finds and brings in changes.
    plan: ['sync', '--dry-run'],
    planCodes: { clean: [0], changed: [0] },
    reapply: ['sync'],
    destroy: ['destroy'],
  },
];

export const ourTool = TOOLS[0];
