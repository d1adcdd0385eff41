import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { workspace } from '../helpers/workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/assistants.js');
const run = promisify(execFile);

/** Runs the built binary (`npm test` builds first) and returns its exit code and output. */
async function assistants(
  args: string[],
  cwd = root,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      cwd,
      env: { PATH: process.env.PATH },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the assistants binary', () => {
  it('validates every example with exit 0', async () => {
    for (const example of ['support-bot', 'data-analyst', 'function-calling', 'knowledge-base', 'agents']) {
      const result = await assistants(['validate', '-f', `examples/${example}`]);
      expect(result, example).toMatchObject({ code: 0, stderr: '' });
    }
  });

  it("reports a passed-through tool's error in the schema its type picks (ajv's compiler loaded on demand, bundled)", async () => {
    const dir = await workspace({
      'assistants.yaml':
        'version: 1\nagents:\n  a:\n    model: gpt-4.1\n    tools:\n      - { type: web_search, search_context_size: huge }\n',
    });
    const result = await assistants(['validate'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'tools[0].search_context_size must be equal to one of the allowed values ("low", "medium", "high")',
    );
    expect(result.stderr).not.toContain('INTERNAL');
  });

  it('exits 1 on an invalid manifest, with diagnostics and no stack trace', async () => {
    const dir = await workspace({
      'assistants.yaml': 'version: 1\nassistants:\n  bot: { model: [unclosed\n',
    });
    const result = await assistants(['validate'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^assistants\.yaml:3:\d+ error\[YAML_SYNTAX\]: /);
    expect(result.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
  });

  it('prints nothing of its own libraries: no parser warning on stderr for a collection key', async () => {
    const dir = await workspace({
      'assistants.yaml': 'version: 1\nassistants:\n  ? [x, y]\n  : { model: m }\n',
    });
    const result = await assistants(['validate'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('Warning');
    expect(result.stderr).toMatch(/^assistants\.yaml:3:5 error\[INVALID_NAME\]: /);
  });

  it('prints its version', async () => {
    const result = await assistants(['--version']);
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
