import { type EmulatorConfig, parseConfigPatch } from '../emulator/knobs.js';
import { startEmulator } from '../emulator/server.js';
import { AssistantsError } from '../errors/index.js';
import { EXIT } from './exit-codes.js';
import type { CommandContext } from './program.js';

/** The flags of `assistants emulator`, as commander parses them. */
export interface EmulatorFlags {
  host: string;
  port: string;
  apiKey?: string;
  data?: string;
  logRequests?: boolean;
  latencyMs?: string;
  indexDelayMs?: string;
  indexDelayPerMbMs?: string;
  rateLimitPerMin?: string;
  rateLimitFilesPerMin?: string;
  rateLimitVectorStoresPerMin?: string;
  rateLimitAssistantsPerMin?: string;
  attachFilesPerMin?: string;
  faultRate?: string;
  seed?: string;
  assistants?: 'enabled' | 'sunset';
}

const kebab = (knob: string) => `--${knob.replace(/_/g, '-')}`;

/** Flags → the same patch `POST /_emulator/config` takes, checked by the same rules. */
function configFromFlags(flags: EmulatorFlags): Partial<EmulatorConfig> {
  const numbers: [keyof EmulatorConfig, string | undefined][] = [
    ['latency_ms', flags.latencyMs],
    ['index_delay_ms', flags.indexDelayMs],
    ['index_delay_per_mb_ms', flags.indexDelayPerMbMs],
    ['rate_limit_per_min', flags.rateLimitPerMin],
    ['rate_limit_files_per_min', flags.rateLimitFilesPerMin],
    ['rate_limit_vector_stores_per_min', flags.rateLimitVectorStoresPerMin],
    ['rate_limit_assistants_per_min', flags.rateLimitAssistantsPerMin],
    ['attach_files_per_min', flags.attachFilesPerMin],
    ['fault_rate', flags.faultRate],
    ['seed', flags.seed],
  ];
  const patch: Record<string, unknown> = {};
  for (const [knob, raw] of numbers) {
    if (raw === undefined) continue;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value)) {
      throw new AssistantsError('USAGE', `${kebab(knob)} takes a number, not '${raw}'`);
    }
    patch[knob] = value;
  }
  if (flags.assistants !== undefined) patch.assistants = flags.assistants;
  const parsed = parseConfigPatch(patch);
  if (!parsed.ok) {
    throw new AssistantsError('USAGE', `${parsed.knob ? kebab(parsed.knob) : 'emulator'}: ${parsed.message}`);
  }
  return parsed.value;
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65_535) {
    throw new AssistantsError(
      'USAGE',
      `--port takes a number from 0 to 65535 (0 picks a free port), not '${raw}'`,
    );
  }
  return port;
}

/** `assistants emulator`: serves the API on loopback until SIGINT/SIGTERM, then stops cleanly. */
export async function runEmulator(context: CommandContext, flags: EmulatorFlags): Promise<void> {
  const { io } = context;
  const config = configFromFlags(flags);
  const port = parsePort(flags.port);
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({
      host: flags.host,
      port,
      config,
      ...(flags.apiKey ? { apiKey: flags.apiKey } : {}),
      ...(flags.data ? { dataDir: flags.data } : {}),
      ...(flags.logRequests ? { log: (line: string) => io.stderr(`${line}\n`) } : {}),
      warn: (line: string) => io.stderr(`emulator: ${line}\n`),
    });
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'the port is in use' : (err as Error).message;
    throw new AssistantsError(
      'EMULATOR_START_FAILED',
      `could not start the emulator on ${flags.host}:${port}: ${reason}`,
      {
        hint:
          (err as NodeJS.ErrnoException).code === 'EADDRINUSE'
            ? 'pick another --port, or 0 for a free one'
            : undefined,
        cause: err,
      },
    );
  }
  const signal = await new Promise<string>((resolve) => {
    io.stdout(`listening on ${emulator.url}\n`);
    io.onStop(resolve);
  });
  await emulator.close();
  io.stderr(`emulator stopped (${signal})\n`);
  context.exitCode = EXIT.OK;
}
