import { describe, expect, it } from 'vitest';
import { buildDesired } from '../../../src/manifest/build-desired.js';
import { mergeDocuments } from '../../../src/manifest/merge.js';
import { parseManifest } from '../../../src/manifest/parse-manifest.js';
import type { DiskFacts } from '../../../src/manifest/rules/disk.js';
import type { GlobMatch } from '../../../src/manifest/rules/glob-members.js';
import { MAX_STORE_MEMBERS } from '../../../src/manifest/rules/member-limits.js';

describe('buildDesired', () => {
  it('builds a store whose glob matched as many files as a store may hold', () => {
    const file = { path: '/stack/assistants.yaml', root: '/stack', displayPath: 'assistants.yaml' };
    const text = 'version: 1\nstack: big\nvector_stores:\n  kb:\n    files:\n      - glob: docs/**/*.md\n';
    const { documents } = parseManifest(file, text);
    const value = documents[0]?.value;
    const { merged } = mergeDocuments(documents.map((doc) => ({ doc, written: value, value })));
    const matches: GlobMatch[] = Array.from({ length: MAX_STORE_MEMBERS }, (_, i) => ({
      name: `docs/${i}.md`,
      declared: false,
      facts: {
        real: `/stack/docs/${i}.md`,
        identity: String(i),
        relativePath: `docs/${i}.md`,
        bytes: 1,
        mtimeMs: 0,
      },
    }));
    const disk: DiskFacts = {
      files: new Map(),
      globs: new Map([['kb', new Map([[0, matches]])]]),
      instructions: new Map(),
      agentInstructions: new Map(),
      skills: new Map(),
      renderTargets: new Map(),
    };

    const desired = buildDesired(merged, disk, ['assistants.yaml']);

    expect(desired.memberships).toHaveLength(MAX_STORE_MEMBERS);
    expect(desired.files).toHaveLength(MAX_STORE_MEMBERS);
    expect(desired.memberships[0]).toMatchObject({ address: 'vector_store_file.kb/docs/0.md', store: 'kb' });
  });
});
