import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../../src/errors/redact.js';

const KEY = 'my-proj-key-Zq81Vw02Lx93Tr3xyz';

/** Every 6-character piece of `secret` that `text` still holds. */
function fragments(text: string, secret: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 6 <= secret.length; i++) {
    const piece = secret.slice(i, i + 6);
    if (text.includes(piece)) found.push(piece);
  }
  return found;
}

describe('redactSecrets: the configured key', () => {
  it('removes the key itself, wherever it is', () => {
    const out = redactSecrets(`key ${KEY} is wrong; again: "${KEY}"`, { apiKey: KEY });
    expect(out).toBe('key [redacted] is wrong; again: "[redacted]"');
  });

  it('removes masked echoes of a key that has no known shape: ends kept around *, … or ...', () => {
    const echoes = [
      `Incorrect API key provided: ${KEY.slice(0, 9)}*********${KEY.slice(-4)}.`,
      `key ${KEY.slice(0, 4)}****${KEY.slice(-4)} refused`,
      `key '${KEY.slice(0, 6)}…${KEY.slice(-6)}' refused`,
      `key ${KEY.slice(0, 8)}...${KEY.slice(-3)}, refused`,
      `key ${KEY.slice(0, 10)}***** refused`,
      `key ****${KEY.slice(-6)} refused`,
    ];
    for (const echo of echoes) {
      const out = redactSecrets(echo, { apiKey: KEY });
      expect(out, echo).toContain('[redacted]');
      expect(fragments(out, KEY), echo).toEqual([]);
    }
    expect(redactSecrets(echoes[0] as string, { apiKey: KEY })).toBe(
      'Incorrect API key provided: [redacted].',
    );
  });

  it('leaves masks that keep too little of the key, or none of it, alone', () => {
    const text = 'sha256: "98ea6e4f216f…", note: ** bold ** and ... trailing';
    expect(redactSecrets(text, { apiKey: KEY })).toBe(text);
  });
});

describe('redactSecrets: key shapes, known or not', () => {
  it('removes whole and masked OpenAI-shaped keys even when no key is configured', () => {
    const cases = [
      'sk-abcdEFGH1234ijklMNOP5678qrst',
      'sk-proj-AbC123dEf456GhI789jKl012MnO345',
      'sk-proj-********************************************wxyz',
      'sk-svcacct-Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2',
      'sess-Ab12Cd34Ef56Gh78Ij90Kl12Mn34',
      'sk-ab…yz',
      'sk-abcd...wxyz',
    ];
    for (const key of cases) {
      const out = redactSecrets(`Incorrect API key provided: ${key}. See the docs.`);
      expect(out, key).toMatch(/^Incorrect API key provided: (sk|sess)-\[redacted\]\. See the docs\.$/);
    }
  });

  it('keeps names that only look like a key prefix', () => {
    const text = 'file.sk-learn-notes and vector_store.sess-logs and task-list';
    expect(redactSecrets(text)).toBe(text);
  });
});

describe('redactSecrets: URL credentials', () => {
  it('removes user and password from any URL, keeping host and path', () => {
    const text =
      'cannot reach http://alice:s3cr3t-pass@127.0.0.1:9/v1 (GET /files): Request cannot be constructed from a URL that includes credentials: http://alice:s3cr3t-pass@127.0.0.1:9/v1/files?limit=100';
    const out = redactSecrets(text);
    expect(out).not.toContain('s3cr3t-pass');
    expect(out).not.toContain('alice');
    expect(out).toContain('http://[redacted]@127.0.0.1:9/v1 (GET /files)');
    expect(out).toContain('http://[redacted]@127.0.0.1:9/v1/files?limit=100');
    expect(redactSecrets('postgres://app:pw%40x@db:5432/state')).toBe('postgres://[redacted]@db:5432/state');
  });

  it('removes the password of a configured URL where it appears on its own, as written or decoded', () => {
    const url = 'https://u:p%40ss-w0rd-long@proxy.example/v1';
    const out = redactSecrets('proxy said p@ss-w0rd-long is wrong; also p%40ss-w0rd-long', { urls: [url] });
    expect(out).toBe('proxy said [redacted] is wrong; also [redacted]');
  });

  it('leaves URLs without credentials and e-mail addresses alone', () => {
    const text =
      'see https://platform.openai.com/account/api-keys or mail ops@example.com, at http://127.0.0.1:9/v1';
    expect(redactSecrets(text)).toBe(text);
  });

  it('is idempotent', () => {
    const once = redactSecrets(`http://a:bcdefgh@x/v1 ${KEY} sk-proj-ab****yz`, { apiKey: KEY });
    expect(redactSecrets(once, { apiKey: KEY })).toBe(once);
  });
});
