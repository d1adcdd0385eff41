import { fileURLToPath } from 'node:url';

/** One call the code under test made to the file system: what it did, and to which path. */
export interface FsCall {
  kind: 'read' | 'look';
  fn: string;
  path: string;
}

/**
 * Every call recorded since the last clear, in call order. Filled by the pass-through spies that
 * `spyFs` puts in place of `node:fs` and `node:fs/promises` (see its use with vi.mock).
 */
export const fsCalls: FsCall[] = [];

/** Calls that open or list something: reading. */
const READS = new Set([
  'readFile',
  'readFileSync',
  'open',
  'openSync',
  'openAsBlob',
  'createReadStream',
  'readdir',
  'readdirSync',
  'opendir',
  'opendirSync',
]);
/** Calls that only look at metadata or links. */
const LOOKS = new Set([
  'stat',
  'statSync',
  'lstat',
  'lstatSync',
  'realpath',
  'realpathSync',
  'readlink',
  'readlinkSync',
  'access',
  'accessSync',
  'exists',
  'existsSync',
]);

/**
 * A copy of an fs module whose reading and looking functions record their first argument in
 * `fsCalls` and then do what the real ones do. Use in a test file as
 * `vi.mock('node:fs', async (real) => (await import('./fs-reads.js')).spyFs(await real()))`.
 */
export function spyFs<T extends object>(real: T): T {
  const copy: Record<string, unknown> = { ...(real as Record<string, unknown>) };
  for (const [name, fn] of Object.entries(real)) {
    if (typeof fn !== 'function') continue;
    const kind = READS.has(name) ? 'read' : LOOKS.has(name) ? 'look' : undefined;
    if (!kind) continue;
    const spy = (...args: unknown[]) => {
      fsCalls.push({ kind, fn: name, path: pathOf(args[0]) });
      return (fn as (...a: unknown[]) => unknown)(...args);
    };
    // realpath.native and the like hang off the function itself.
    Object.assign(spy, fn);
    copy[name] = spy;
  }
  return { ...copy, default: copy } as T;
}

function pathOf(arg: unknown): string {
  if (arg instanceof URL) return fileURLToPath(arg);
  if (Buffer.isBuffer(arg)) return arg.toString();
  return String(arg);
}
