import { randomInt } from 'node:crypto';

/**
 * A small seeded generator (SplitMix32): the same seed gives the same ids and the same faults in
 * the same request order. Not for secrets; only for reproducible test runs.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 0x1_0000_0000;
  }

  /** An integer in [0, bound). */
  below(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  get position(): number {
    return this.state;
  }

  set position(value: number) {
    this.state = value >>> 0;
  }
}

/** A seed for runs that did not ask for one. */
export function randomSeed(): number {
  return randomInt(0, 0x7fff_ffff);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The id prefixes the live API uses, one per kind of object. */
export const ID_PREFIX = {
  file: 'file-',
  vectorStore: 'vs_',
  batch: 'vsfb_',
  assistant: 'asst_',
  skill: 'skill_',
  skillVersion: 'skillver_',
  request: 'req_',
  response: 'resp_',
  fileSearchCall: 'fs_',
  message: 'msg_',
} as const;

export type IdKind = keyof typeof ID_PREFIX;

/** Makes ids like the live API's (`vs_` + 24 base62 characters) from a seeded generator. */
export function makeId(random: SeededRandom, kind: IdKind): string {
  let body = '';
  for (let i = 0; i < 24; i += 1) body += ALPHABET[random.below(ALPHABET.length)];
  return `${ID_PREFIX[kind]}${body}`;
}
