import { execFileSync } from 'node:child_process';
import { lstat, mkdir, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';

/**
 * Generated cases for the validate fuzz run (validate-fuzz.test.ts): a folder of manifests and
 * files to validate, with links in and out of it, FIFOs, hostile globs and hostile YAML.
 *
 * Paths outside the manifest root are written as symbolic targets (`out:secret.md`) and turned
 * into real paths when the case is written to disk, so that a case stays a plain value that
 * fast-check can generate, print and replay.
 */

/** Lives only in files outside every manifest root: it must never show in validate's output. */
export const CANARY = 'CANARY-f1e2d3c4';

/** What the shared outside folder holds (see writeOutside): files, folders and FIFOs. */
export const OUTSIDE_ENTRIES = {
  files: {
    'secret.yaml': `version: 1\n${CANARY}: leaked\nfiles: { x: { path: ${CANARY}.md } }\n`,
    'secret.md': `# ${CANARY}\n`,
    'secret.txt': CANARY,
    'dir/inner.yaml': `version: 1\nstack: ${CANARY}\n`,
    'dir/inner.md': CANARY,
    'dir/sub/deep.md': CANARY,
  },
  fifos: ['fifo.yaml', 'fifo.md', 'dir/fifo.md', 'dir/sub/fifo.yaml'],
  links: { loop: 'dir', 'dir/back': '..' },
} as const;

/** Where an outside link may point: into the shared outside folder, or at the system. */
const OUTSIDE_TARGETS = [
  'out:secret.yaml',
  'out:secret.md',
  'out:secret.txt',
  'out:fifo.yaml',
  'out:fifo.md',
  'out:dir',
  'out:dir/inner.yaml',
  'out:dir/sub',
  'out:loop',
  'out:missing.md',
  'out:',
  'rel-out:secret.md',
  'rel-out:dir',
  'rel-out:fifo.md',
  '/',
  '/etc',
  '/dev/zero',
  '/proc/self/fd',
] as const;

const DIRS = ['docs', 'docs/sub', 'docs/sub/deep', 'a', 'a/b', '.hidden', 'node_modules', 'x.yaml'] as const;
const NAMES = [
  'a.md',
  'b.md',
  'c.txt',
  'd.pdf',
  'm.yaml',
  'n.yml',
  'p.md',
  'key.txt',
  '.dot.md',
  'loop',
] as const;
/** Targets for links that stay inside the root (relative to the link), including loops. */
const INSIDE_TARGETS = [
  '.',
  '..',
  '../..',
  'docs',
  'a.md',
  '../a.md',
  'sub',
  'missing',
  'loop',
  'm.yaml',
] as const;

export type TreeEntry =
  | { kind: 'file'; path: string; text: string }
  | { kind: 'dir'; path: string }
  | { kind: 'link'; path: string; target: string }
  | { kind: 'fifo'; path: string }
  | { kind: 'sparse'; path: string; bytes: number };

export interface FuzzCase {
  /** Manifests, relative to the root; the first one is what a file -f names. */
  manifests: { path: string; text: string }[];
  tree: TreeEntry[];
  /**
   * How validate is pointed at the root: the folder, or the first manifest file; or, for `link`,
   * at a link in the working folder (`-f stack`, or the default assistants.yaml) leading outside.
   */
  target: 'folder' | 'file' | 'link';
  /** For `link`: the link's name in the working folder and where it leads. */
  link: { name: 'stack' | 'assistants.yaml'; target: (typeof OUTSIDE_TARGETS)[number] };
}

const entryPath = fc.oneof(
  fc.constantFrom(...NAMES),
  fc.tuple(fc.constantFrom(...DIRS), fc.constantFrom(...NAMES)).map(([d, n]) => `${d}/${n}`),
  fc.constantFrom(...DIRS),
);

const treeEntry: fc.Arbitrary<TreeEntry> = fc.oneof(
  { weight: 4, arbitrary: entryPath.map((p) => ({ kind: 'file' as const, path: p, text: `# ${p}\n` })) },
  { weight: 2, arbitrary: fc.constantFrom(...DIRS).map((p) => ({ kind: 'dir' as const, path: p })) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(entryPath, fc.constantFrom(...OUTSIDE_TARGETS))
      .map(([p, target]) => ({ kind: 'link' as const, path: p, target })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(entryPath, fc.constantFrom(...INSIDE_TARGETS))
      .map(([p, target]) => ({ kind: 'link' as const, path: p, target })),
  },
  { weight: 1, arbitrary: entryPath.map((p) => ({ kind: 'fifo' as const, path: p })) },
);

/** Paths a manifest may reference: inside, through links, outside, absolute, odd. */
const PATH_REFS = [
  'a.md',
  'docs/a.md',
  'docs/sub/b.md',
  'key.txt',
  'docs/key.txt',
  'loop',
  'docs/loop/a.md',
  'a/b/loop',
  'docs',
  'missing.md',
  '../outside/secret.md',
  '../../outside/secret.md',
  '../../../outside/fifo.md',
  '/etc/passwd',
  '/dev/zero',
  '~/.ssh/id_rsa',
  'docs/../a.md',
  'docs/../../x.md',
  '..data.md',
  'x.yaml',
  '.hidden/a.md',
  'node_modules/a.md',
  '',
];

/** Glob patterns: ordinary, `..` in every form, absolute, braces, deep `**`, through links and loops. */
const GLOBS = [
  '**/*.md',
  'docs/**/*.md',
  'docs/*',
  '*.md',
  '*',
  '**',
  '**/*',
  '**/../../**/*.md',
  '../*.md',
  'docs/../*.md',
  'docs/**/../*.md',
  '**/..',
  '{..,docs}/*.md',
  '@(..|docs)/*.md',
  '.{.,}/*.md',
  '[.][.]/*.md',
  '\\.\\./*.md',
  '/**/*.md',
  '/etc/*',
  '{/etc,docs}/*',
  '@(/|docs)/*.md',
  '{,/}*',
  'C:/x/*.md',
  '~/*.md',
  'docs/{a,b}.md',
  'docs/{a,b,{c,d}}/**/*.md',
  '{1..9}.md',
  '**/**/**/**/**/*',
  '**/*/**/*/**/*.md',
  'loop/**',
  '**/loop/**/*.md',
  'docs/loop/**/*.md',
  'a/b/loop/*',
  'node_modules/**',
  '.hidden/*',
  '!(*.md)',
  '!**/*.md',
  'docs/sub/deep/**',
  'x.yaml/**',
  '',
];

const word = fc.oneof(
  fc.constantFrom('kb', 'bot', 'a', 'doc', 'handbook', '__proto__'),
  fc.string({ maxLength: 5 }),
);
const pathRef = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PATH_REFS) },
  { weight: 1, arbitrary: fc.string() },
);
const globRef = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...GLOBS) },
  { weight: 1, arbitrary: fc.string() },
);

const member = fc.oneof(
  word,
  fc.record({ glob: globRef }),
  fc.record({ glob: globRef, attributes: fc.constant({ category: 'x' }) }),
  fc.record({ file: word }),
);

/** A manifest in the format's shape, its paths and globs drawn from the hostile lists. */
const structured = fc
  .record({
    files: fc.dictionary(word, fc.record({ path: pathRef }), { maxKeys: 4 }),
    stores: fc.dictionary(word, fc.record({ files: fc.array(member, { maxLength: 4 }) }), { maxKeys: 3 }),
    assistants: fc.dictionary(
      word,
      fc.record({ model: fc.constant('gpt-4o'), instructions: fc.oneof(fc.record({ file: pathRef }), word) }),
      { maxKeys: 2 },
    ),
  })
  .map(({ files, stores, assistants }) =>
    stringify({ version: 1, files, vector_stores: stores, assistants }, { aliasDuplicateObjects: false }),
  );

/** Aliases of aliases: `width` aliases per level, `levels` deep. */
const aliasBomb = fc
  .record({
    levels: fc.integer({ min: 2, max: 14 }),
    width: fc.integer({ min: 2, max: 12 }),
    under: fc.boolean(),
  })
  .map(({ levels, width, under }) => {
    const lines = [
      'version: 1',
      `${under ? 'metadata:\n  ' : ''}x0: &a0 [${Array(width).fill('lol').join(', ')}]`,
    ];
    for (let i = 1; i < levels; i++)
      lines.push(
        `${under ? '  ' : ''}x${i}: &a${i} [${Array(width)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    return `${lines.join('\n')}\n`;
  });

/** Values that hold themselves through an alias, in every place an alias can stand. */
const selfReference = fc.constantFrom(
  'version: 1\nfiles: &x [*x]\n',
  'version: 1\nmetadata: &a {b: *a}\n',
  'version: 1\ntools: &t {b: 1, <<: *t}\n',
  'version: 1\ntools: &t {<<: [*t]}\n',
  '&doc\nversion: 1\nstack: *doc\n',
  'version: 1\nvector_stores: &s\n  kb:\n    metadata: *s\n',
  'version: 1\nassistants:\n  bot: &b\n    model: gpt-4o\n    tools: [*b]\n',
  'version: 1\nx: &a [&b [*a, *b]]\n',
  '? &k [*k]\n: 1\n',
  'version: 1\nfiles: &f\n  doc: { path: *f }\n',
  'version: 1\na: &a [1]\nb: &a [*a]\nc: &c [*c, *a]\n',
);

/** Deep nesting, in flow or block style, possibly reached through an alias. */
const deepNesting = fc
  .record({
    depth: fc.integer({ min: 10, max: 3000 }),
    style: fc.constantFrom('seq', 'map', 'block', 'alias'),
  })
  .map(({ depth, style }) => {
    if (style === 'seq') return `version: 1\nmetadata: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
    if (style === 'map') return `version: 1\nmetadata: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`;
    if (style === 'block') {
      const levels = Math.min(depth, 400);
      return `version: 1\n${Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} 1\n`;
    }
    const half = Math.min(depth, 300);
    return `version: 1\nx: &d ${'['.repeat(half)}${']'.repeat(half)}\ny: ${'['.repeat(half)}*d${']'.repeat(half)}\n`;
  });

/** A large mapping or sequence, with a repeated key at the end. */
const large = fc
  .record({
    count: fc.integer({ min: 500, max: 6000 }),
    kind: fc.constantFrom('keys', 'members', 'files'),
  })
  .map(({ count, kind }) => {
    if (kind === 'keys')
      return `version: 1\nmetadata:\n${Array.from({ length: count }, (_, i) => `  k${i}: v`).join('\n')}\n  k1: again\n`;
    if (kind === 'members')
      return `version: 1\nvector_stores:\n  kb:\n    files:\n${Array.from({ length: count }, (_, i) => `      - f${i}`).join('\n')}\n`;
    return `version: 1\nfiles:\n${Array.from({ length: count }, (_, i) => `  f${i}: { path: docs/f${i}.md }`).join('\n')}\n`;
  });

/** YAML tokens: syntax, anchors, aliases, merges, tags, documents, hostile paths and globs. */
export const yamlToken = fc.constantFrom(
  'version: 1',
  ':',
  '- ',
  '  ',
  '\n',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '&a',
  '*a',
  '&b',
  '*b',
  '<<: *a',
  '---',
  '? ',
  '!!str',
  '!!binary',
  '#',
  'files:',
  'glob: "**/../*"',
  'path: ../outside/secret.md',
  'kb:',
  '${env:X}',
  '\t',
  ',',
  '\u0000',
  '\uFEFF',
);

/** YAML tokens strung together: syntax errors in every shape. */
const tokenSoup = fc.array(yamlToken, { maxLength: 60 }).map((t) => t.join(''));

/** Random values serialised as YAML, and random bytes. */
const junk = fc.oneof(
  fc.anything({ maxDepth: 4 }).map((v) => stringify(v, { aliasDuplicateObjects: false }) ?? ''),
  fc.string({ unit: 'binary', maxLength: 300 }),
);

const manifestText = fc.oneof(
  { weight: 8, arbitrary: structured },
  { weight: 2, arbitrary: aliasBomb },
  { weight: 2, arbitrary: selfReference },
  { weight: 2, arbitrary: deepNesting },
  { weight: 1, arbitrary: large },
  { weight: 2, arbitrary: tokenSoup },
  { weight: 2, arbitrary: junk },
);

const manifestPath = fc.constantFrom(
  'assistants.yaml',
  'b.yml',
  'docs/m.yaml',
  'a/b/c.yaml',
  'node_modules/x.yaml',
);

/** One fuzz case: a root with 1 to 3 manifests, up to 12 other entries, and how -f names it. */
export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.record({
  manifests: fc.uniqueArray(fc.record({ path: manifestPath, text: manifestText }), {
    minLength: 1,
    maxLength: 3,
    selector: (m) => m.path,
  }),
  tree: fc.array(
    fc.oneof(
      { weight: 30, arbitrary: treeEntry },
      {
        weight: 1,
        arbitrary: fc.constant({ kind: 'sparse' as const, path: 'huge.yaml', bytes: 9 * 2 ** 20 }),
      },
    ),
    { maxLength: 12 },
  ),
  target: fc.constantFrom('folder', 'folder', 'folder', 'file', 'file', 'link'),
  link: fc.record({
    name: fc.constantFrom('stack' as const, 'assistants.yaml' as const),
    target: fc.constantFrom(...OUTSIDE_TARGETS),
  }),
});

/**
 * Writes the shared outside folder: canary files, folders, a link loop, and FIFOs (opening one to
 * read blocks until a writer comes, so any read of it shows as a hang the harness detects).
 * Returns the FIFOs' paths.
 */
export async function writeOutside(outside: string): Promise<string[]> {
  for (const [rel, text] of Object.entries(OUTSIDE_ENTRIES.files)) {
    await mkdir(path.dirname(path.join(outside, rel)), { recursive: true });
    await writeFile(path.join(outside, rel), text);
  }
  for (const [rel, target] of Object.entries(OUTSIDE_ENTRIES.links))
    await symlink(target, path.join(outside, rel));
  const fifos = OUTSIDE_ENTRIES.fifos.map((rel) => path.join(outside, rel));
  for (const fifo of fifos) execFileSync('mkfifo', [fifo], { stdio: 'ignore' });
  return fifos;
}

/**
 * Writes a case below `caseDir` (its root is `caseDir/root`; `outside` is the shared outside
 * folder). Entries are written only in real folders below the root, never through a link, and
 * entries that collide with earlier ones are skipped, as a real tree holds one thing per path.
 * Returns the FIFOs made inside the root.
 */
export async function writeCase(c: FuzzCase, caseDir: string, outside: string): Promise<string[]> {
  const root = path.join(caseDir, 'root');
  await mkdir(root, { recursive: true });
  // The working folder's link is made in the case folder, which nothing below writes through.
  if (c.target === 'link')
    await symlink(linkTarget(c.link.target, '', outside), path.join(caseDir, c.link.name));
  const fifos: string[] = [];
  const put = async (rel: string, make: (at: string) => Promise<unknown>) => {
    try {
      const folder = await realFolder(root, path.dirname(rel));
      if (folder) await make(path.join(folder, path.basename(rel)));
    } catch {
      // A path already taken: the entry does not fit this tree.
    }
  };
  for (const m of c.manifests) await put(m.path, (at) => writeFile(at, m.text, { flag: 'wx' }));
  for (const entry of c.tree) {
    if (entry.kind === 'file') await put(entry.path, (at) => writeFile(at, entry.text, { flag: 'wx' }));
    else if (entry.kind === 'dir') await put(entry.path, (at) => mkdir(at));
    else if (entry.kind === 'sparse')
      await put(entry.path, async (at) => {
        await writeFile(at, '', { flag: 'wx' });
        await truncate(at, entry.bytes);
      });
    else if (entry.kind === 'fifo')
      await put(entry.path, async (at) => {
        execFileSync('mkfifo', [at], { stdio: 'ignore' });
        fifos.push(at);
      });
    else await put(entry.path, (at) => symlink(linkTarget(entry.target, entry.path, outside), at));
  }
  return fifos;
}

/**
 * The folder `rel` below `root`, made where missing, or undefined when a step of it is a link or
 * not a folder. The harness must never write through a link its own cases made: one may lead to
 * `/` or `/etc`.
 */
async function realFolder(root: string, rel: string): Promise<string | undefined> {
  let folder = root;
  for (const step of rel.split('/')) {
    if (step === '' || step === '.') continue;
    if (step === '..') return undefined;
    folder = path.join(folder, step);
    const info = await lstat(folder).catch(() => undefined);
    if (!info) await mkdir(folder);
    else if (!info.isDirectory()) return undefined;
  }
  return folder;
}

/** The real target of a link entry: `out:` absolute into the outside folder, `rel-out:` relative to it. */
function linkTarget(target: string, linkPath: string, outside: string): string {
  if (target.startsWith('out:')) return path.join(outside, target.slice('out:'.length));
  if (target.startsWith('rel-out:')) {
    // From the link's folder up to the case folder's parent, where the outside folder lives
    // (`linkPath` is below the root, or '' for a link in the case folder itself).
    const up = linkPath === '' ? 1 : linkPath.split('/').length + 1;
    return `${'../'.repeat(up)}outside/${target.slice('rel-out:'.length)}`;
  }
  return target;
}
