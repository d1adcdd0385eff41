import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { handleError } from '../../src/cli/handle-error.js';
import { AssistantsError } from '../../src/errors/index.js';
import { createStyle } from '../../src/render/style.js';
import { fakeKey } from '../helpers/fake-key.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace, yaml } from '../helpers/workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
const EXAMPLES = ['support-bot', 'data-analyst', 'function-calling', 'knowledge-base'];

const broken = yaml`
  version: 1
  assistants:
    bot:
      model: gpt-4o
      instruction: Be brief.
      temperature: 7
`;

describe('assistants validate', () => {
  it.each(EXAMPLES)('accepts examples/%s (exit 0)', async (example) => {
    const run = await runInProcess(['validate', '-f', `examples/${example}`], { cwd: root });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^Success! \d manifest files? valid \(stack "[a-z-]+"\): /);
    expect(run.code).toBe(0);
  });

  it('prints every error as FILE:LINE:COL error[CODE]: message, with the line and a caret, and exits 1', async () => {
    const dir = await workspace({ 'assistants.yaml': broken });
    const run = await runInProcess(['validate'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      [
        'assistants.yaml:5:5 error[UNKNOWN_KEY]: unknown key "instruction" in assistant "bot"; did you mean "instructions"?',
        ' 5 |     instruction: Be brief.',
        '   |     ^^^^^^^^^^^',
        '  = hint: known keys: model, name, description, instructions, tools, tool_resources, temperature, top_p, response_format, reasoning_effort, metadata, protect',
        '',
        'assistants.yaml:6:18 error[OUT_OF_RANGE]: temperature of assistant "bot" is 7; it must be at most 2',
        ' 6 |     temperature: 7',
        '   |                  ^',
        '',
        'Validation failed: 2 errors, 0 warnings in 1 manifest file.',
        '',
      ].join('\n'),
    );
  });

  it('--format json prints the same findings as data on stdout', async () => {
    const dir = await workspace({ 'assistants.yaml': broken });
    const run = await runInProcess(['validate', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({
      format_version: '1',
      valid: false,
      error_count: 2,
      warning_count: 0,
      summary: null,
    });
    expect(out.diagnostics[1]).toEqual({
      severity: 'error',
      code: 'OUT_OF_RANGE',
      message: 'temperature of assistant "bot" is 7; it must be at most 2',
      file: 'assistants.yaml',
      line: 6,
      column: 18,
      end_line: 6,
      end_column: 19,
      source_line: '    temperature: 7',
      hint: null,
      related: [],
    });
    const json = await runInProcess(['validate', '--json'], { cwd: dir });
    expect(json.stdout).toBe(run.stdout);
  });

  it('--format json on success lists the addresses', async () => {
    const run = await runInProcess(['validate', '-f', 'examples/function-calling', '--format', 'json'], {
      cwd: root,
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).summary).toEqual({
      stack: 'order-desk',
      files: 0,
      vector_stores: 0,
      vector_store_files: 0,
      assistants: 1,
      agents: 0,
      addresses: ['assistant.order-desk'],
    });
  });

  it('prints warnings and still exits 0', async () => {
    const dir = await workspace({
      'assistants.yaml': yaml`
        version: 1
        vector_stores:
          kb: {}
        assistants:
          bot:
            model: gpt-4o
            tool_resources: { file_search: { vector_stores: [kb] } }
      `,
    });
    const run = await runInProcess(['validate'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^assistants\.yaml:7:23 warning\[TOOL_RESOURCE_WITHOUT_TOOL\]: /);
    expect(run.stdout).toMatch(/^Success! .* 1 warning\.\n$/);
  });

  it('reads the manifests of the working folder by default, and says so when it holds none', async () => {
    const dir = await workspace({});
    const run = await runInProcess(['validate'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[NO_MANIFESTS]: no manifest in the working folder: a manifest is ');
    expect(run.stderr).toContain('= hint: pass a manifest file or folder with -f PATH');
  });

  it('colours only terminals, and never with NO_COLOR or --no-color', async () => {
    const dir = await workspace({ 'assistants.yaml': broken });
    const ansi = '\u001b[';
    expect((await runInProcess(['validate'], { cwd: dir, isTTY: true })).stderr).toContain(ansi);
    expect((await runInProcess(['validate'], { cwd: dir, isTTY: false })).stderr).not.toContain(ansi);
    expect(
      (await runInProcess(['validate'], { cwd: dir, isTTY: true, env: { NO_COLOR: '1' } })).stderr,
    ).not.toMatch(ansi);
    expect((await runInProcess(['--no-color', 'validate'], { cwd: dir, isTTY: true })).stderr).not.toMatch(
      ansi,
    );
  });

  it('rejects unknown options and formats with exit 1', async () => {
    const unknown = await runInProcess(['validate', '--frmat', 'json'], { cwd: root });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("error[USAGE]: unknown option '--frmat'");
    const format = await runInProcess(['validate', '--format', 'yaml'], { cwd: root });
    expect(format.code).toBe(1);
    expect(format.stderr).toContain(
      "option '--format <format>' argument 'yaml' is invalid. Allowed choices are text, json.",
    );
  });

  it('--help exits 0 and lists the command', async () => {
    const run = await runInProcess(['--help'], { cwd: root });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('validate [options]');
  });
});

describe('assistants validate on hostile manifests', () => {
  const CANARY = 'CANARY-3d9f01';
  /** A stack trace line: "    at fn (file.js:1:2)". */
  const STACK = /\n\s+at .+:\d+:\d+/;
  const both = async (args: string[], cwd: string) => ({
    text: await runInProcess(['validate', ...args], { cwd }),
    json: await runInProcess(['validate', ...args, '--format', 'json'], { cwd }),
  });
  const outsideFile = async (name: string, text: string) => {
    const dir = await realpath(await mkdtemp(path.join(tmpdir(), 'assistants-iac-outside-')));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await writeFile(path.join(dir, name), text);
    return path.join(dir, name);
  };

  it('a manifest link leading outside -f DIR: an error naming the link, the target never read nor shown', async () => {
    const secret = await outsideFile('creds.yaml', `version: 1\ntoken: ${CANARY}\n`);
    const dir = await workspace({ 'root/a.yaml': 'version: 1\n', 'root/zz.yaml': { symlink: secret } });
    const { text, json } = await both(['-f', 'root'], dir);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain(
      'error[PATH_OUTSIDE_ROOT]: manifest root/zz.yaml is a link that leads outside the folder "root"; it was not read',
    );
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).diagnostics.map((d: { code: string }) => d.code)).toEqual([
      'PATH_OUTSIDE_ROOT',
    ]);
    for (const run of [text, json]) {
      expect(run.stdout + run.stderr).not.toContain(CANARY);
      expect(run.stdout + run.stderr).not.toContain(secret);
    }
  });

  /** A folder outside every workspace: a dotenv-like file and a folder of manifests, all canaries. */
  const outsideStack = async () => {
    const dir = await realpath(await mkdtemp(path.join(tmpdir(), 'assistants-iac-outside-')));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await writeFile(path.join(dir, 'dotenv'), `AWS_SECRET_ACCESS_KEY=${CANARY}\nOTHER=x\n`);
    await mkdir(path.join(dir, 'stack'));
    await writeFile(path.join(dir, 'stack', 'a.yaml'), `version: 1\nstack: s\n${CANARY}: leaked\n`);
    return dir;
  };

  it.each([
    // Without -f the working folder is searched, which reports such a link as any folder search does.
    ['-f assistants.yaml', ['-f', 'assistants.yaml'], 'dotenv'],
    ['-f stack', ['-f', 'stack'], 'stack'],
  ])(
    'a manifest root in the working folder that is a link leading outside (%s): refused, never read (validate and plan)',
    async (_, args, target) => {
      const out = await outsideStack();
      const name = args[1] as string;
      // The link is made last, and nothing is written through it.
      const dir = await workspace({ [name]: { symlink: path.join(out, target) } });
      const { text, json } = await both(args, dir);
      const plan = await runInProcess(['plan', '--refresh=false', ...args], { cwd: dir });
      expect(text.code).toBe(1);
      expect(text.stderr).toBe(
        [
          `error[PATH_OUTSIDE_ROOT]: manifest path "${name}" is a link that leads outside the working folder; it was not read`,
          '  = hint: a path inside the working folder must stay inside it after links are followed: pass the path the link leads to with -f if it is meant to be read, or --allow-outside-root',
          '',
          'Validation failed: 1 error, 0 warnings in 0 manifest files.',
          '',
        ].join('\n'),
      );
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout).diagnostics).toEqual([
        expect.objectContaining({ code: 'PATH_OUTSIDE_ROOT', file: null }),
      ]);
      expect(plan.code).toBe(1);
      expect(plan.stderr).toContain(`error[PATH_OUTSIDE_ROOT]: manifest path "${name}" is a link`);
      for (const run of [text, json, plan]) {
        expect(run.stdout + run.stderr).not.toContain(CANARY);
        expect(run.stdout + run.stderr).not.toContain(out);
      }
    },
  );

  it("a manifest path written outside the working folder, or --allow-outside-root, is the user's choice: read as given", async () => {
    const out = await outsideStack();
    const dir = await workspace({ stack: { symlink: path.join(out, 'stack') } });
    const written = await runInProcess(['validate', '-f', path.join(out, 'stack')], { cwd: dir });
    const allowed = await runInProcess(['validate', '-f', 'stack', '--allow-outside-root'], { cwd: dir });
    for (const run of [written, allowed]) {
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`error[UNKNOWN_KEY]: unknown key "${CANARY}" at the top level`);
    }
  });

  it('a link in the working folder that leads to a manifest inside it is read', async () => {
    const dir = await workspace({
      'real/a.yaml': 'version: 1\n',
      stack: { symlink: 'real' },
      'assistants.yaml': { symlink: 'real/a.yaml' },
    });
    for (const args of [[], ['-f', 'stack']]) {
      const run = await runInProcess(['validate', ...args], { cwd: dir });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
  });

  it('a link to / in -f DIR: answered at once, nothing crawled', { timeout: 10_000 }, async () => {
    const dir = await workspace({ 'root/a.yaml': 'version: 1\n', 'root/disk': { symlink: '/' } });
    const run = await runInProcess(['validate', '-f', 'root'], { cwd: dir });
    // Said (a folder link out of the root hides what is behind it), not followed.
    expect(run.stderr).toContain(
      'error[PATH_OUTSIDE_ROOT]: root/disk is a link that leads outside the folder "root"; manifests behind it are not read',
    );
    expect(run.code).toBe(1);
  });

  it('"**/../../**/*.md" is refused before walking, and no outside path is named', async () => {
    const dir = await workspace({
      'a/b/root/assistants.yaml': yaml`
        version: 1
        vector_stores:
          kb: { files: [{ glob: "**/../../**/*.md" }] }
      `,
      'a/b/root/docs/x.md': '# X',
      [`a/${CANARY}.md`]: 'outside the root',
    });
    const { text, json } = await both(['-f', 'a/b/root'], dir);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain(
      'a/b/root/assistants.yaml:3:25 error[INVALID_VALUE]: glob "**/../../**/*.md" contains "..": a glob may only look below the manifest file\'s folder',
    );
    for (const run of [text, json]) expect(run.stdout + run.stderr).not.toContain(CANARY);
  });

  it('a symlink loop inside the root: each real file once (one upload), and a warning', async () => {
    const dir = await workspace({
      'assistants.yaml': yaml`
        version: 1
        vector_stores:
          kb: { files: [{ glob: "docs/**/*.md" }] }
      `,
      'docs/a.md': '# A',
      'docs/again': { symlink: '.' },
      'docs/current': { symlink: 'v2' },
      'docs/v2/b.md': '# B',
    });
    const { text, json } = await both([], dir);
    expect(text.code).toBe(0);
    expect(text.stderr).toContain('warning[LINK_LOOP]: glob "docs/**/*.md" does not follow 1 link');
    expect(JSON.parse(json.stdout).summary).toMatchObject({
      files: 2,
      vector_store_files: 2,
      addresses: expect.arrayContaining(['file.docs/a.md', 'file.docs/v2/b.md']),
    });
  });

  it.each([
    [
      '250,000 glob members',
      `version: 1\nvector_stores:\n  kb:\n    files:\n${Array.from({ length: 250_000 }, (_, i) => `      - glob: "d${i}/**/*.md"\n`).join('')}`,
      // Each member counts 5 values (`- ` 2, `: ` 2, two quotes 1): the 100,000th passes the limit.
      '100003:7 ',
    ],
    [
      'a list of 3.9 million values',
      `version: 1\nmetadata: [${Array(3_900_000).fill('1').join(',')}]\n`,
      '2:',
    ],
  ])(
    'a manifest under 8 MB that would exhaust memory (%s) is refused before it is parsed',
    { timeout: 30_000 },
    async (_, text, at) => {
      const dir = await workspace({ 'assistants.yaml': text });
      const { text: run, json } = await both([], dir);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`assistants.yaml:${at}`);
      expect(run.stderr).toContain(
        'error[YAML_TOO_MANY_VALUES]: the manifests hold more than 500,000 YAML values (counted before they are parsed, up to here); assistants.yaml was not read further',
      );
      expect(run.stderr).toMatch(/\nValidation failed: 1 error, 0 warnings in 1 manifest file\.\n$/);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout).diagnostics.map((d: { code: string }) => d.code)).toEqual([
        'YAML_TOO_MANY_VALUES',
      ]);
      for (const r of [run, json]) expect(r.stdout + r.stderr).not.toMatch(STACK);
    },
  );

  it('a copy of the API key passed in through another variable is refused: no plan file, the key never shown', async () => {
    const key = fakeKey('sk-proj-', 26, 'validate');
    const dir = await workspace({
      'assistants.yaml': yaml`
        version: 1
        assistants:
          bot: { model: gpt-4o, instructions: "\${env:DEPLOY_CFG}" }
      `,
    });
    const env = { OPENAI_API_KEY: key, DEPLOY_CFG: key };
    const validate = await runInProcess(['validate', '--format', 'json'], { cwd: dir, env });
    const plan = await runInProcess(['plan', '--refresh=false', '-o', 'saved.plan'], { cwd: dir, env });
    expect(validate.code).toBe(1);
    expect(JSON.parse(validate.stdout).diagnostics).toEqual([
      expect.objectContaining({ code: 'SECRET_IN_MANIFEST', file: 'assistants.yaml', line: 3 }),
    ]);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('error[SECRET_IN_MANIFEST]: "${env:DEPLOY_CFG}" would copy the API key');
    expect(existsSync(path.join(dir, 'saved.plan'))).toBe(false);
    for (const run of [validate, plan]) expect(run.stdout + run.stderr).not.toContain(key.slice(8));
  });

  it('a self-referencing alias: a located YAML_ALIAS error, exit 1, no INTERNAL and no stack trace', async () => {
    const dir = await workspace({ 'assistants.yaml': 'version: 1\nmetadata: &a {b: *a}\n' });
    // Named: in a folder, a document with no section is no manifest and would be skipped.
    const { text, json } = await both(['-f', 'assistants.yaml'], dir);
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(
      /^assistants\.yaml:2:18 error\[YAML_ALIAS\]: alias \*a refers to the value that holds it/,
    );
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).diagnostics[0]).toMatchObject({ code: 'YAML_ALIAS', line: 2, column: 18 });
    for (const run of [text, json]) {
      expect(run.stdout + run.stderr).not.toContain('INTERNAL');
      expect(run.stdout + run.stderr).not.toMatch(STACK);
    }
  });
});

describe('the top-level error handler', () => {
  const capture = () => {
    const out = { stdout: '', stderr: '' };
    const io = {
      stdout: (t: string) => {
        out.stdout += t;
      },
      stderr: (t: string) => {
        out.stderr += t;
      },
      env: {},
      cwd: root,
      isTTY: false,
      onStop: () => () => {},
    };
    return { out, io };
  };

  it('prints a defect without its stack, unless --debug', () => {
    const { out, io } = capture();
    const code = handleError(new TypeError('x is undefined'), io, {
      debug: false,
      json: false,
      style: createStyle(false),
    });
    expect(code).toBe(1);
    expect(out.stderr).toBe(
      'error[INTERNAL]: internal error: x is undefined\n  = hint: this is a defect in assistants-iac; rerun with --debug for details and report it\n',
    );
    const debug = capture();
    handleError(new TypeError('x is undefined'), debug.io, {
      debug: true,
      json: false,
      style: createStyle(false),
    });
    expect(debug.out.stderr).toMatch(/TypeError: x is undefined\n\s+at /);
  });

  it('prints a user error with its code and location, as JSON when asked', () => {
    const { out, io } = capture();
    const error = new AssistantsError('FILE_NOT_FOUND', 'file "a.md" does not exist', {
      location: { file: 'assistants.yaml', line: 3, column: 5 },
    });
    handleError(error, io, { debug: false, json: true, style: createStyle(false) });
    expect(JSON.parse(out.stdout)).toMatchObject({
      error: true,
      diagnostics: [{ code: 'FILE_NOT_FOUND', file: 'assistants.yaml', line: 3, column: 5 }],
    });
  });
});
