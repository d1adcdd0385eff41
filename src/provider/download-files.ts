import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Downloaded, DownloadRequest } from '../model/live.js';
import { mapLimit } from '../util/concurrency.js';
import { hashing } from './hash-stream.js';
import type { ApiReader } from './live-view.js';

/**
 * Streams each file's content to `root/relativePath` (never held whole in memory), hashing it on
 * the way, `concurrency` at a time (default 4). Nothing is overwritten. A file that cannot be
 * fetched or written is left out of the result (and off the disk): the caller lists it by id.
 */
export async function downloadFiles(
  reader: ApiReader,
  requests: readonly DownloadRequest[],
  root: string,
  concurrency = 4,
): Promise<Map<string, Downloaded>> {
  const results = await mapLimit(requests, concurrency, async (request) => {
    const target = path.join(root, ...request.relativePath.split('/'));
    try {
      return await downloadOne(reader, request.id, target);
    } catch (err) {
      // What this wrote in part goes; a file that was there already (EEXIST) is not ours to remove.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') await rm(target, { force: true }).catch(() => {});
      return undefined;
    }
  });
  return new Map(
    results.flatMap((result, index) => (result ? [[requests[index]?.id as string, result] as const] : [])),
  );
}

async function downloadOne(reader: ApiReader, id: string, target: string): Promise<Downloaded> {
  await mkdir(path.dirname(target), { recursive: true });
  let downloaded: Downloaded | undefined;
  const body = await reader.downloadFile(id);
  await pipeline(
    Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>),
    (source: AsyncIterable<Buffer>) =>
      hashing(source, async (sha256, bytes) => {
        downloaded = { bytes, sha256 };
      }),
    createWriteStream(target, { flags: 'wx' }),
  );
  return downloaded as Downloaded;
}
