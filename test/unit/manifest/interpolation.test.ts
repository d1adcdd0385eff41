import { describe, expect, it } from 'vitest';
import { fakeKey } from '../../helpers/fake-key.js';
import { brief, check, onlyError } from '../../helpers/validate.js';
import { yaml } from '../../helpers/workspace.js';

describe('${env:...} interpolation', () => {
  const manifest = yaml`
    version: 1
    assistants:
      bot:
        model: \${env:MODEL}
        name: "Support (\${env:REGION:-eu})"
        description: costs $\${env:NOT_EXPANDED}
  `;

  it('substitutes set variables and defaults, and $${ stays a literal ${', async () => {
    const result = await check(manifest, {}, { env: { MODEL: 'gpt-4o-mini' } });
    expect(result.errors).toEqual([]);
    expect(result.value?.assistants[0]).toMatchObject({
      model: 'gpt-4o-mini',
      displayName: 'Support (eu)',
      description: 'costs ${env:NOT_EXPANDED}',
    });
  });

  it('an unset variable without a default is an error at the expression', async () => {
    const result = await check(manifest);
    const error = onlyError(result);
    expect(brief(error)).toBe(
      'assistants.yaml:4:12 ENV_UNSET environment variable MODEL is not set and "${env:MODEL}" gives no default',
    );
    expect(error.location).toMatchObject({ endLine: 4, endColumn: 24 });
    expect(error.hint).toBe('set MODEL, or give a default: ${env:MODEL:-VALUE}');
  });

  it('an empty variable counts as set', async () => {
    const result = await check('version: 1\nstack: "${env:STACK:-main}"\n', {}, { env: { STACK: '' } });
    // The empty stack name then fails the schema: proof the empty value was used, not the default.
    expect(onlyError(result).code).toBe('INVALID_VALUE');
  });

  it('any other ${...} is an error, with the escape in the hint', async () => {
    const result = await check(
      'version: 1\nassistants:\n  bot:\n    model: gpt-4o\n    instructions: "Hello ${user}"\n',
    );
    const error = onlyError(result);
    expect(brief(error)).toBe(
      'assistants.yaml:5:26 INVALID_INTERPOLATION "${user}" is not a supported expression; use ${env:NAME} or ${env:NAME:-default}',
    );
    expect(error.hint).toBe('write $${ for a literal ${');
  });

  it('variables in paths are substituted before the path is checked', async () => {
    const result = await check(
      'version: 1\nfiles:\n  doc:\n    path: ${env:DOCS}/a.md\n',
      { 'docs/a.md': 'a' },
      { env: { DOCS: 'docs' } },
    );
    expect(result.errors).toEqual([]);
    expect(result.value?.files[0]?.relativePath).toBe('docs/a.md');
  });

  describe('secrets', () => {
    const SECRET = fakeKey('sk-proj-', 24, 'interpolation');

    it('refuses ${env:OPENAI_API_KEY} with a located error naming the variable, never its value', async () => {
      const result = await check(
        'version: 1\nassistants:\n  bot:\n    model: gpt-4o\n    instructions: "Key: ${env:OPENAI_API_KEY}"\n',
        {},
        { env: { OPENAI_API_KEY: SECRET } },
      );
      const error = onlyError(result);
      expect(brief(error)).toBe(
        'assistants.yaml:5:25 SECRET_IN_MANIFEST "${env:OPENAI_API_KEY}" would copy environment variable OPENAI_API_KEY, a secret, into plans and the state, which show and store it in the clear',
      );
      expect(error.location).toMatchObject({ endLine: 5, endColumn: 46 });
      expect(JSON.stringify(result)).not.toContain(SECRET);
    });

    it.each([
      'GITHUB_TOKEN',
      'DB_PASSWORD',
      'STRIPE_SECRET',
      'ANTHROPIC_API_KEY',
      'AWS_SECRET_ACCESS_KEY',
      'TOKEN',
      'my_api_key',
    ])('refuses %s, set or not, with a default or without', async (name) => {
      for (const expression of [`\${env:${name}}`, `\${env:${name}:-fallback}`]) {
        for (const env of [{}, { [name]: SECRET }]) {
          const result = await check(`version: 1\nstack: "${expression}"\n`, {}, { env });
          const error = onlyError(result);
          expect(error.code).toBe('SECRET_IN_MANIFEST');
          expect(error.message).toContain(name);
          expect(JSON.stringify(result)).not.toContain(SECRET);
        }
      }
    });

    describe('by value, whatever the variable is called', () => {
      const KEY = fakeKey('sk-proj-', 32, 'deploy');
      const manifest =
        'version: 1\nassistants:\n  bot:\n    model: gpt-4o\n    instructions: "${env:DEPLOY_CFG}"\n';

      it.each([
        ['a copy of the configured key', { OPENAI_API_KEY: KEY, DEPLOY_CFG: KEY }],
        [
          'the configured key inside a longer value',
          { OPENAI_API_KEY: KEY, DEPLOY_CFG: `url=https://x;key=${KEY};` },
        ],
        [
          'a configured key of any shape',
          { OPENAI_API_KEY: 'proxy-key-0001', DEPLOY_CFG: 'Bearer proxy-key-0001' },
        ],
      ])('refuses %s, at the expression, without showing it', async (_, env) => {
        const result = await check(manifest, {}, { env });
        const error = onlyError(result);
        expect(brief(error)).toBe(
          'assistants.yaml:5:20 SECRET_IN_MANIFEST "${env:DEPLOY_CFG}" would copy the API key (the value of OPENAI_API_KEY), held by environment variable DEPLOY_CFG, into plans and the state, which show and store it in the clear',
        );
        expect(error.hint).toBe('keep secrets out of manifests: set DEPLOY_CFG to a value that holds no key');
        expect(JSON.stringify(result)).not.toContain(env.DEPLOY_CFG);
        expect(JSON.stringify(result)).not.toContain(env.OPENAI_API_KEY);
      });

      it.each([
        ['no key configured', { DEPLOY_CFG: KEY }],
        ['another key configured', { OPENAI_API_KEY: fakeKey('sk-other-', 20), DEPLOY_CFG: `x ${KEY}` }],
        ['a session key', { DEPLOY_CFG: fakeKey('sess-', 22) }],
      ])('refuses a value shaped like an OpenAI key (%s)', async (_, env) => {
        const result = await check(manifest, {}, { env });
        expect(brief(onlyError(result))).toBe(
          'assistants.yaml:5:20 SECRET_IN_MANIFEST "${env:DEPLOY_CFG}" would copy what looks like an OpenAI API key, held by environment variable DEPLOY_CFG, into plans and the state, which show and store it in the clear',
        );
        expect(JSON.stringify(result)).not.toContain(env.DEPLOY_CFG);
      });

      it.each([
        'sk-learn-tutorial-notes-and-more',
        `ta${fakeKey('sk-', 32, 'task')}`,
        'sk-short1A',
        'Use the sk-learn library.',
      ])('lets through values that only look alike: %s', async (value) => {
        const result = await check(manifest, {}, { env: { OPENAI_API_KEY: 'sk-test', DEPLOY_CFG: value } });
        expect(result.errors).toEqual([]);
        expect(result.value?.assistants[0]?.instructions).toBe(value);
      });
    });

    it('lets through names that only contain a secret-like word', async () => {
      for (const name of ['MAX_TOKENS', 'TOKENIZER', 'API_KEY_ID', 'PASSWORD_POLICY_URL', 'MYTOKEN']) {
        const result = await check(`version: 1\nstack: "\${env:${name}}"\n`, {}, { env: { [name]: 'main' } });
        expect(result.errors, name).toEqual([]);
        expect(result.value?.stack, name).toBe('main');
      }
    });
  });
});
