// Preload for `node --import`: appends every module the process loads to the file that MODULE_LOG
// names, one per line: ES modules by URL (a resolve hook, which runs on the loader's thread) and
// CommonJS modules by path (require, also inside packages and through createRequire). Tests read it
// to see what a command loaded (test/cli/startup.test.ts).
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const file = process.env.MODULE_LOG;
if (!file) throw new Error('module-log.mjs: set MODULE_LOG to the file to append to');

register(new URL('./module-log-hooks.mjs', import.meta.url), { data: { file } });

const load = Module._load;
Module._load = function loadAndLog(request, parent, isMain) {
  const loaded = load.call(this, request, parent, isMain);
  let resolved = request;
  try {
    resolved = Module._resolveFilename(request, parent, isMain);
  } catch {
    // A built-in, or a request only the loader itself understands: its name says enough.
  }
  appendFileSync(file, `${resolved}\n`);
  return loaded;
};
