import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { DesiredFile } from '../model/desired.js';
import { mapLimit } from '../provider/concurrency.js';
import type { HashCache } from '../state/hash-cache.js';

/** Streams a file through sha256: memory stays flat whatever the size (up to 512 MB uploads). */
export async function sha256File(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(filePath), hash);
  return hash.digest('hex');
}

/**
 * The content hash of every desired file, by name: from the cache when path, size and mtime match,
 * else read (a few at a time). Returns how many were read, for tests and benchmarks.
 */
export async function hashDesiredFiles(
  files: readonly DesiredFile[],
  cache: HashCache,
  concurrency = 8,
): Promise<{ hashes: Map<string, string>; read: number }> {
  let read = 0;
  const hashes = await mapLimit(files, concurrency, async (file) => {
    const cached = cache.get(file.path, file.bytes, file.mtimeMs);
    if (cached) return cached;
    read += 1;
    const sha256 = await sha256File(file.path);
    cache.set(file.path, file.bytes, file.mtimeMs, sha256);
    return sha256;
  });
  await cache.save();
  return { hashes: new Map(files.map((file, index) => [file.name, hashes[index] as string])), read };
}
