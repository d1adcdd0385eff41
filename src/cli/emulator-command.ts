import { Command, Option } from 'commander';
import type { EmulatorFlags } from './emulator-flow.js';
import type { CommandContext } from './program.js';

export const DEFAULT_EMULATOR_PORT = 4010;

/** `assistants emulator`: serves the API on loopback until SIGINT/SIGTERM, then stops cleanly. */
export function emulatorCommand(context: CommandContext): Command {
  return new Command('emulator')
    .description(
      'run a local, stateful emulator of the OpenAI endpoints assistants-iac uses (no key, no network)',
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port; 0 picks a free one', String(DEFAULT_EMULATOR_PORT))
    .option('--api-key <key>', 'accept only this key (default: any non-empty key)')
    .option('--data <dir>', 'keep objects and file contents in DIR across restarts')
    .option('--latency-ms <n>', 'added to every /v1 response')
    .option('--index-delay-ms <n>', 'time a file attached to a vector store stays in_progress (default 500)')
    .option('--index-delay-per-mb-ms <n>', 'extra indexing time per MiB of file')
    .option('--rate-limit-per-min <n>', 'requests per minute per route family; excess gets 429 (0: no limit)')
    .option('--rate-limit-files-per-min <n>', 'requests per minute for /v1/files* alone (0: no limit)')
    .option(
      '--rate-limit-vector-stores-per-min <n>',
      'requests per minute for /v1/vector_stores* alone (0: no limit)',
    )
    .option(
      '--rate-limit-assistants-per-min <n>',
      'requests per minute for /v1/assistants* alone (0: no limit)',
    )
    .option(
      '--attach-files-per-min <n>',
      'files attached to vector stores per minute over all stores, a batch counting each file (0: no limit)',
    )
    .option('--fault-rate <x>', 'share of requests, 0..1, that fail with 500, 503 or a dropped connection')
    .option('--seed <n>', 'makes ids and faults reproducible')
    .addOption(
      new Option('--assistants <mode>', "'sunset' answers /v1/assistants* with 404").choices([
        'enabled',
        'sunset',
      ]),
    )
    .option('--log-requests', 'print one line per /v1 request to stderr')
    .action(async (flags: EmulatorFlags) => (await import('./emulator-flow.js')).runEmulator(context, flags));
}
