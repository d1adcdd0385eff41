import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathResolver } from '../../../src/manifest/confined-path.js';
import { workspace } from '../../helpers/workspace.js';

describe('the confined resolver', () => {
  it('walks a path written below the root step by step: a `..` that climbs out is outside, one that stays is followed', async () => {
    const parent = await realpath(await workspace({ 'root/docs/a.md': 'a\n', 'secret.md': 'no\n' }));
    const root = path.join(parent, 'root');
    const resolver = pathResolver(root, false);
    const at = (...parts: string[]) => resolver.resolve(parts.join(path.sep));

    expect(await at(root, 'docs', 'a.md')).toMatchObject({
      kind: 'found',
      real: path.join(root, 'docs', 'a.md'),
    });
    expect(await at(root, 'docs', '..', 'docs', '.', 'a.md')).toMatchObject({
      kind: 'found',
      real: path.join(root, 'docs', 'a.md'),
    });
    expect(await at(root, '', 'docs', '', 'a.md')).toMatchObject({ kind: 'found' });
    expect(await at(root, 'docs', '..', '..', 'secret.md')).toEqual({ kind: 'outside' });
    expect(await at(root, '..', 'secret.md')).toEqual({ kind: 'outside' });
    expect(await at(parent, 'secret.md')).toEqual({ kind: 'outside' });
    expect(await at(`${root}-sibling`, 'x.md')).toEqual({ kind: 'outside' });
    expect(await at(root, 'docs', 'missing.md')).toMatchObject({ kind: 'missing', code: 'ENOENT' });
  });
});
