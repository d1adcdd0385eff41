import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BlobStore } from './blob-store.js';
import { EmulatorCore } from './core.js';
import type { EmulatorConfig } from './knobs.js';
import { Persistence } from './persistence.js';
import { RequestPipeline } from './request-pipeline.js';

export interface EmulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** When set, only this key is accepted; otherwise any non-empty bearer key is. */
  apiKey?: string;
  /** Keep objects and file contents here across restarts. */
  dataDir?: string;
  config?: Partial<EmulatorConfig>;
  /** Receives one line per `/v1` request (method, path, status, time); never the key. */
  log?: (line: string) => void;
  /** Receives the emulator's own failures (a defect, a failed save); never the key. */
  warn?: (line: string) => void;
}

export interface RunningEmulator {
  /** The base URL for the SDK and the CLI: `http://HOST:PORT/v1`. */
  url: string;
  port: number;
  core: EmulatorCore;
  close(): Promise<void>;
}

/**
 * Starts the emulator: its objects (loaded from `dataDir` and saved there after each change when
 * given), and an HTTP server whose requests go through the RequestPipeline.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const blobs = await BlobStore.open(options.dataDir);
  const core = new EmulatorCore(blobs);
  if (options.config) core.configure(options.config);
  const persistence = options.dataDir
    ? new Persistence(options.dataDir, core, (err) =>
        options.warn?.(`could not save --data: ${(err as Error).message}`),
      )
    : undefined;
  if (persistence) {
    persistence.load();
    core.onChange = () => persistence.scheduleSave();
  }
  const pipeline = new RequestPipeline(core, options.apiKey, options);
  const server = createServer((req, res) => {
    pipeline.handle(req, res).catch((err: unknown) => {
      // Only reached if writing the response itself failed (client gone): nothing left to tell.
      options.warn?.(`internal error: ${(err as Error).message}`);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closed = false;
  return {
    url: `http://${host}:${address.port}/v1`,
    port: address.port,
    core,
    async close() {
      if (closed) return;
      closed = true;
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await done;
      persistence?.save();
      blobs.close();
    },
  };
}
