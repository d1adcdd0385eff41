#!/usr/bin/env node
// Bundles the compiled CLI (dist/cli/main.js, from tsc) with its dependencies into dist/bundle/,
// which bin/assistants.js loads. Node resolves and compiles a module file by file: unbundled, a
// plan loaded about 370 of them (the SDK alone 154) before its first request, a quarter of a no-op
// plan's time. Code splitting keeps each command's lazy import lazy: a plan does not parse the
// emulator, listr2 or the apply code.
//
// Chunks sit beside main.js, at the depth of dist/cli/, so that the paths modules find from
// import.meta.url (../../package.json, ../../schema/…) lead to the same files bundled or not.
// Packages that are CommonJS call require(); in an ES module bundle that needs a real require,
// which the banner gives every chunk. The ajv runtime pieces that the generated validators load
// with createRequire stay outside the bundle and are found in node_modules as before.
//
// dist/bundle/meta.json lists the modules each chunk holds (esbuild's metafile): the start-up test
// reads it to tell which libraries a command loaded, now that they arrive inside chunks.
import { rm, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';

// Chunk names carry a hash of their content: the last build's would stay beside the new ones.
await rm('dist/bundle', { recursive: true, force: true });
const { metafile } = await build({
  entryPoints: { main: 'dist/cli/main.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: '[name]-[hash]',
  // Less text for V8 to parse at each start; names are kept, so errors still read.
  minifyWhitespace: true,
  minifySyntax: true,
  banner: {
    js: "import { createRequire as createBundleRequire } from 'node:module'; const require = createBundleRequire(import.meta.url);",
  },
  // pg loads its optional native binding only when asked to (pg.native), which we never do.
  external: ['pg-native'],
  logLevel: 'warning',
  metafile: true,
});
const chunks = Object.fromEntries(
  Object.entries(metafile.outputs).map(([output, { inputs }]) => [output, Object.keys(inputs)]),
);
await writeFile('dist/bundle/meta.json', `${JSON.stringify(chunks, null, 1)}\n`);
