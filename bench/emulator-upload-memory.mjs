#!/usr/bin/env node
// Measures the emulator's peak memory while it receives one large upload (default 512 MiB, the
// API's limit). The emulator runs as its own process (the built CLI); the upload streams from a
// sparse file on disk, so neither side needs the file in memory. Prints the figures as JSON.
// Usage: npm run build && node bench/emulator-upload-memory.mjs [MiB]
import { spawn } from 'node:child_process';
import { openAsBlob } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const mib = Number(process.argv[2] ?? 512);
const bin = fileURLToPath(new URL('../bin/assistants.js', import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'upload-memory-'));
const path = join(dir, 'large.txt');
const handle = await open(path, 'w');
await handle.truncate(mib * 1024 * 1024);
await handle.close();

const child = spawn(process.execPath, [bin, 'emulator', '--port', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve) => {
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
    const found = /listening on (\S+)/.exec(out);
    if (found) resolve(found[1]);
  });
});
const stats = async () => (await fetch(url.replace('/v1', '/_emulator/stats'))).json();
try {
  const before = (await stats()).max_rss_bytes;
  const form = new FormData();
  form.append('purpose', 'assistants');
  form.append('file', await openAsBlob(path), 'large.txt');
  const started = Date.now();
  const response = await fetch(`${url}/files`, {
    method: 'POST',
    headers: { authorization: 'Bearer k' },
    body: form,
  });
  const file = await response.json();
  const after = (await stats()).max_rss_bytes;
  console.log(
    JSON.stringify(
      {
        upload_mib: mib,
        status: response.status,
        bytes_received: file.bytes,
        ...(file.error ? { error: file.error.message } : {}),
        seconds: (Date.now() - started) / 1000,
        emulator_peak_rss_mib_before: Math.round(before / 1048576),
        emulator_peak_rss_mib_after: Math.round(after / 1048576),
      },
      null,
      2,
    ),
  );
} finally {
  child.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
}
