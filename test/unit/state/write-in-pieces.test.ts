import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeInPieces } from '../../../src/state/write-in-pieces.js';
import { workspace } from '../../helpers/workspace.js';

describe('writeInPieces', () => {
  it('writes the text as one UTF-8 write would, with pieces cut anywhere, surrogate pairs kept whole', async () => {
    const dir = await workspace({});
    // Pairs (emoji) and single code units at every offset against pieces of 1, 2 and 3 units.
    const text = `{"a":"x😀y","b":"${'😀é'.repeat(5)}"}\n€😀`;
    for (const size of [1, 2, 3, 1024]) {
      const file = path.join(dir, `out-${size}.json`);
      const handle = await open(file, 'w');
      try {
        await writeInPieces(handle, text, size);
      } finally {
        await handle.close();
      }
      expect(await readFile(file)).toEqual(Buffer.from(text, 'utf8'));
    }
  });
});
