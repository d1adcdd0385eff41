import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace, yaml } from '../helpers/workspace.js';

/** A stack split over three files: each refers to names the others define. */
const splitStack = {
  'files.yaml': yaml`
    version: 1
    stack: split
    files:
      handbook: { path: docs/handbook.md }
  `,
  'stores.yaml': yaml`
    version: 1
    vector_stores:
      kb: { files: [handbook] }
  `,
  'agents/support.yml': yaml`
    version: 1
    agents:
      support:
        model: gpt-5-mini
        tools:
          - { type: file_search, vector_stores: [kb] }
  `,
  'docs/handbook.md': '# Handbook\n',
};

/** YAML that other tools keep beside manifests. */
const neighbours = {
  'docker-compose.yml': yaml`
    services:
      web: { image: nginx }
  `,
  'compose/docker-compose.yaml': yaml`
    version: "3"
    services:
      web: { image: nginx }
  `,
  '.github/workflows/x.yml': yaml`
    on: push
    jobs:
      test: { runs-on: ubuntu-latest, steps: [{ run: npm test }] }
  `,
  'ci/workflow.yml': yaml`
    name: ci
    on: push
    jobs:
      test: { runs-on: ubuntu-latest }
  `,
};

describe('manifest discovery', () => {
  it('reads every manifest of the working folder without -f: a split stack validates and plans clean', async () => {
    const dir = await workspace(splitStack);
    const validate = await runInProcess(['validate'], { cwd: dir });
    expect(validate.stderr).toBe('');
    expect(validate.stdout).toMatch(/^Success! 3 manifest files valid \(stack "split"\)/);
    expect(validate.code).toBe(0);

    const plan = await runInProcess(['plan', '--refresh=false'], { cwd: dir });
    expect(plan.stderr).toBe('');
    expect(plan.stdout).toContain('Plan: 4 to add, 0 to change, 0 to destroy.');
    expect(plan.code).toBe(0);
  });

  it('skips YAML that is no manifest (docker-compose with or without version:, CI workflows), and --debug lists it', async () => {
    const dir = await workspace({ ...splitStack, ...neighbours });
    const quiet = await runInProcess(['validate'], { cwd: dir });
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toMatch(/^Success! 3 manifest files valid/);
    expect(quiet.code).toBe(0);

    const debug = await runInProcess(['--debug', 'validate'], { cwd: dir });
    expect(debug.code).toBe(0);
    // Dot-folders (.github, the state's .assistants) are not searched at all.
    expect(debug.stderr.split('\n').sort()).toEqual([
      '',
      'skipped .github/: a hidden folder is not searched',
      'skipped ci/workflow.yml: no top-level `version:`',
      'skipped compose/docker-compose.yaml: a top-level `version:` but none of stack, files, tools, vector_stores, assistants, skills, agents, moved',
      'skipped docker-compose.yml: no top-level `version:`',
    ]);

    const folder = await runInProcess(['--debug', 'plan', '--refresh=false', '-f', '.'], { cwd: dir });
    expect(folder.code).toBe(0);
    expect(folder.stderr).toContain('skipped docker-compose.yml: no top-level `version:`');
  });

  it('decides per document in a file of several', async () => {
    const dir = await workspace({
      'stack.yaml': yaml`
        version: 1
        files:
          a: { path: a.md }
        ---
        apiVersion: v1
        kind: ConfigMap
      `,
      'a.md': 'a',
    });
    const run = await runInProcess(['--debug', 'validate'], { cwd: dir });
    expect(run.stderr).toBe('skipped stack.yaml (document 2): no top-level `version:`\n');
    expect(run.stdout).toMatch(/^Success! 1 manifest file valid/);
  });

  it('reads a file named with -f as a manifest: docker-compose.yml is one clear error', async () => {
    const dir = await workspace({ ...splitStack, ...neighbours });
    for (const file of ['docker-compose.yml', 'compose/docker-compose.yaml']) {
      const run = await runInProcess(['validate', '-f', file], { cwd: dir });
      expect(run.code).toBe(1);
      const errors = run.stderr.split('\n').filter((line) => line.includes(' error['));
      expect(errors).toEqual([
        expect.stringMatching(
          new RegExp(
            `^${file}:\\d:1 error\\[NOT_A_MANIFEST\\]: ${file} is not a manifest: its top level has "services" but none of `,
          ),
        ),
      ]);
      expect(run.stderr).toContain('= hint: a manifest is a YAML document with a top-level `version:`');
    }
  });

  it('says which rule a folder without any manifest breaks', async () => {
    const dir = await workspace(neighbours);
    const run = await runInProcess(['validate'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'error[NO_MANIFESTS]: no manifest in the working folder: a manifest is a YAML document with a top-level `version:` and at least one of stack, files, tools, vector_stores, assistants, skills, agents, moved (or `version: 1` alone)',
    );
    expect(run.stderr).toContain('= hint: 3 YAML files there are not manifests (--debug lists them)');

    const empty = await runInProcess(['plan', '--refresh=false', '-f', 'compose'], { cwd: dir });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('error[NO_MANIFESTS]: no manifest in folder "compose": ');
  });
});

describe('YAML that does not parse', () => {
  it('an unquoted ${env:X} in a flow mapping is one located error with a hint, and nothing else', async () => {
    const dir = await workspace({
      'assistants.yaml': yaml`
        version: 1
        vector_stores:
          other:
            metadata: {team: \${env:TEAM}}
          kb:
            files: [handbook]
      `,
      // Refers to a store that the broken document defines after the mistake.
      'agents.yaml': yaml`
        version: 1
        files:
          handbook: { path: missing.md }
        agents:
          support:
            model: gpt-5-mini
            tools: [{ type: file_search, vector_stores: [kb] }]
      `,
    });
    const run = await runInProcess(['validate'], { cwd: dir, env: { TEAM: 'support' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      [
        'assistants.yaml:4:22 error[YAML_SYNTAX]: Unexpected flow-map-start at node end',
        ' 4 |     metadata: {team: ${env:TEAM}}',
        '   |                      ^^^^^^^^^^^',
        '  = hint: quote values that start with "${": team: "${env:TEAM}"',
        '',
        'Validation failed: 1 error, 0 warnings in 2 manifest files.',
        '',
      ].join('\n'),
    );
  });

  it('two broken documents give two errors', async () => {
    const dir = await workspace({
      'assistants.yaml': yaml`
        version: 1
        vector_stores:
          kb: { metadata: {team: \${env:TEAM}} }
        ---
        version: 1
        assistants:
          bot:
            model: [gpt-4o
      `,
    });
    const run = await runInProcess(['validate', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout) as { diagnostics: { code: string; line: number }[] };
    expect(out.diagnostics.map((d) => `${d.code}:${d.line}`)).toEqual(['YAML_SYNTAX:3', 'YAML_SYNTAX:8']);
  });
});
