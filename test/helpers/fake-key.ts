import { createHash } from 'node:crypto';

const CLASSES = ['ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz', '0123456789'];

/**
 * A string shaped like an OpenAI key (`sk-proj-` and mixed letters and digits), made at run time
 * from `seed`, so that the repository holds no literal a secret scanner would rightly take for a
 * leaked key. The same seed gives the same key; upper case, lower case and digits take turns, so
 * the body always has all three, as the redaction's key shape asks.
 */
export function fakeKey(prefix: string, length: number, seed: string = prefix): string {
  let bytes = Buffer.alloc(0);
  for (let round = 0; bytes.length < length; round++)
    bytes = Buffer.concat([bytes, createHash('sha256').update(`${seed}:${round}`).digest()]);
  let body = '';
  for (let i = 0; i < length; i++) {
    const chars = CLASSES[i % CLASSES.length] as string;
    body += chars[(bytes[i] as number) % chars.length];
  }
  return `${prefix}${body}`;
}
