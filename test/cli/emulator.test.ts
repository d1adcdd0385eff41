import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/run-cli.js';

const BIN = fileURLToPath(new URL('../../bin/assistants.js', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Starts the built CLI's emulator and resolves with its URL from the first stdout line. */
async function spawnEmulator(args: string[] = []) {
  const child = spawn(process.execPath, [BIN, 'emulator', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      const found = /^listening on (http:\/\/127\.0\.0\.1:\d+\/v1)$/m.exec(stdout);
      if (found) resolve(found[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  return { child, url, stderr: () => stderr };
}

describe('assistants emulator (the built CLI)', () => {
  it('prints its URL, serves the SDK, and stops cleanly on SIGTERM and SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const { child, url, stderr } = await spawnEmulator(['--seed', '3', '--log-requests']);
      const client = new OpenAI({ apiKey: 'sk-secret-value', baseURL: url, maxRetries: 0 });
      expect((await client.vectorStores.create({ name: 'cli' })).name).toBe('cli');
      child.kill(signal);
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      expect(stderr()).toContain('POST /v1/vector_stores 200');
      expect(stderr()).toContain(`emulator stopped (${signal})`);
      expect(stderr()).not.toContain('sk-secret-value');
    }
  });

  it('takes knobs as flags', async () => {
    const { url } = await spawnEmulator([
      '--assistants',
      'sunset',
      '--rate-limit-per-min',
      '600',
      '--latency-ms',
      '5',
      '--rate-limit-files-per-min',
      '120',
      '--rate-limit-vector-stores-per-min',
      '0',
      '--rate-limit-assistants-per-min',
      '30',
      '--attach-files-per-min',
      '2000',
    ]);
    const config = (await (await fetch(url.replace('/v1', '/_emulator/config'))).json()) as Record<
      string,
      unknown
    >;
    expect(config).toMatchObject({
      assistants: 'sunset',
      rate_limit_per_min: 600,
      rate_limit_files_per_min: 120,
      rate_limit_vector_stores_per_min: 0,
      rate_limit_assistants_per_min: 30,
      attach_files_per_min: 2000,
      latency_ms: 5,
      index_delay_ms: 500,
    });
  });

  it('refuses bad flags with a usage error, and a busy port with EMULATOR_START_FAILED', async () => {
    const bad = await runInProcess(['emulator', '--fault-rate', '3'], { cwd: process.cwd() });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error[USAGE]: --fault-rate');
    const nan = await runInProcess(['emulator', '--latency-ms', 'soon'], { cwd: process.cwd() });
    expect(nan.stderr).toContain("--latency-ms takes a number, not 'soon'");
    const family = await runInProcess(['emulator', '--rate-limit-files-per-min', '1.5'], {
      cwd: process.cwd(),
    });
    expect(family.code).toBe(1);
    expect(family.stderr).toContain('error[USAGE]: --rate-limit-files-per-min');
    const attach = await runInProcess(['emulator', '--attach-files-per-min', '-1'], { cwd: process.cwd() });
    expect(attach.stderr).toContain('error[USAGE]: --attach-files-per-min');

    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const busy = await runInProcess(['emulator', '--port', String(port)], { cwd: process.cwd() });
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain('error[EMULATOR_START_FAILED]');
      expect(busy.stderr).toContain('the port is in use');
    } finally {
      blocker.close();
    }
  });

  it('runs in-process until stopped, as tests and embedders use it', async () => {
    // Stopped before it starts: it still comes up, says where, and then shuts down.
    const stop = new AbortController();
    stop.abort();
    const result = await runInProcess(['emulator', '--port', '0'], { cwd: process.cwd(), stop: stop.signal });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\/v1\n$/);
  });
});
