import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BIN, REPO } from '../helpers/apply-process.js';
import { startFixture } from '../helpers/emulator.js';
import { workspace, yaml } from '../helpers/workspace.js';

const run = promisify(execFile);
const PRELOAD = path.join(REPO, 'test/helpers/module-log.mjs');

/** What a command must not load unless it needs it: each costs tens of milliseconds at start-up. */
const HEAVY: Record<string, RegExp> = {
  openai: /\/node_modules\/openai\//,
  ajv: /\/node_modules\/ajv\//,
  'ajv-formats': /\/node_modules\/ajv-formats\//,
  yaml: /\/node_modules\/yaml\//,
  listr2: /\/node_modules\/listr2\//,
  emulator: /\/dist\/emulator\//,
};

/** ajv's schema compiler: loaded only where a schema is compiled at run time. */
const COMPILER = /\/node_modules\/ajv\/dist\/(compile\/|core\.js)/;

interface Loaded {
  code: number;
  stdout: string;
  stderr: string;
  /** Every module the process loaded: ES modules by URL, CommonJS ones by path. */
  modules: string[];
}

/** Runs the built binary (`npm test` builds first) with a preload that logs every module it loads. */
async function assistants(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Loaded> {
  const dir = await workspace({});
  const log = path.join(dir, 'modules.log');
  const options = {
    cwd,
    env: { PATH: process.env.PATH, NO_COLOR: '1', CI: 'true', MODULE_LOG: log, ...env },
  };
  let result: { code: number; stdout: string; stderr: string };
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', PRELOAD, BIN, ...args], options);
    result = { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    result = { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
  const logged = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return { ...result, modules: await unbundled(logged) };
}

/**
 * The modules loaded, with each chunk of the bundle (dist/bundle, see scripts/bundle.mjs) replaced
 * by the modules it holds, as paths under the repository: a library arrives inside a chunk.
 */
async function unbundled(logged: readonly string[]): Promise<string[]> {
  const meta = JSON.parse(await readFile(path.join(REPO, 'dist/bundle/meta.json'), 'utf8')) as Record<
    string,
    string[]
  >;
  const bundle = `${pathToFileURL(path.join(REPO, 'dist/bundle')).href}/`;
  return logged.flatMap((module) => {
    if (!module.startsWith(bundle)) return [module];
    const inputs = meta[`dist/bundle/${module.slice(bundle.length)}`];
    if (!inputs) throw new Error(`${module} is not in dist/bundle/meta.json: run npm run build`);
    return [module, ...inputs.map((input) => path.join(REPO, input))];
  });
}

/** The names of the HEAVY libraries among `modules`. */
function heavy(modules: readonly string[]): string[] {
  return Object.entries(HEAVY)
    .filter(([, pattern]) => modules.some((m) => pattern.test(m)))
    .map(([name]) => name);
}

describe('start-up: a command loads only what it needs', () => {
  it('sees the libraries a command does load (the log works)', async () => {
    const result = await assistants(['validate', '-f', 'examples/function-calling'], REPO);
    expect(result.code).toBe(0);
    expect(heavy(result.modules)).toEqual(expect.arrayContaining(['yaml', 'ajv']));
  });

  it.each([
    [['--version']],
    [['-V']],
    [['--help']],
    [['help']],
    [['help', 'plan']],
    [['validate', '--help']],
    [['plan', '--help']],
    [['apply', '--help']],
    [['destroy', '--help']],
    [['gc', '--help']],
    [['import', '--help']],
    [['emulator', '--help']],
    [['state', '--help']],
    [['state', 'rm', '--help']],
    [['output', '--help']],
    [['force-unlock', '--help']],
  ])('%j loads no SDK, ajv, yaml, listr2 or emulator', async (args) => {
    const result = await assistants(args, REPO);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toBe('');
    expect(heavy(result.modules)).toEqual([]);
  });

  it('a usage error loads none of them either, and still answers error[USAGE] with exit 1', async () => {
    const result = await assistants(['plan', '--bogus'], REPO);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error\[USAGE\]: unknown option '--bogus'/);
    expect(heavy(result.modules)).toEqual([]);
  });

  it('validate compiles no schema: the manifest schema is precompiled', async () => {
    const result = await assistants(['validate', '-f', 'examples/knowledge-base'], REPO);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.modules.filter((m) => COMPILER.test(m))).toEqual([]);
    // ajv's run-time helpers are all that the precompiled validators need of it.
    const ajv = result.modules.filter((m) => HEAVY.ajv?.test(m));
    expect(ajv.length).toBeGreaterThan(0);
    expect(ajv.filter((m) => !/\/ajv\/dist\/runtime\//.test(m))).toEqual([]);
  });

  it('apply and plan against the emulator compile no schema (manifest and state precompiled)', async () => {
    const fx = await startFixture();
    try {
      const dir = await workspace({
        'assistants.yaml': yaml`
          version: 1
          files:
            faq: { path: faq.md }
          vector_stores:
            kb: { files: [faq] }
        `,
        'faq.md': '# FAQ\n',
      });
      const env = { OPENAI_API_KEY: 'sk-startup-test', OPENAI_BASE_URL: fx.emulator.url };
      const applied = await assistants(['apply', '--auto-approve'], dir, env);
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.modules.filter((m) => COMPILER.test(m))).toEqual([]);
      const planned = await assistants(['plan', '--detailed-exitcode'], dir, env);
      expect(planned.code, planned.stdout + planned.stderr).toBe(0);
      expect(planned.modules.filter((m) => COMPILER.test(m))).toEqual([]);
      // plan shows no progress and runs no emulator: their modules stay unloaded.
      expect(heavy(planned.modules)).toEqual(['openai', 'ajv', 'ajv-formats', 'yaml']);
    } finally {
      await fx.close();
    }
  });
});
