import { createHash } from 'node:crypto';

/**
 * The chunks of `source` as they are, hashed and counted on their way; `done` runs (and is waited
 * for) after the last chunk, before the consumer sees the end. Nothing is held beyond the chunk in
 * hand: the consumer pulls, so the file is read no faster than it is sent.
 */
export async function* hashing(
  source: AsyncIterable<Buffer>,
  done: (sha256: string, bytes: number) => Promise<void>,
): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of source) {
    hash.update(chunk);
    bytes += chunk.length;
    yield chunk;
  }
  await done(hash.digest('hex'), bytes);
}
