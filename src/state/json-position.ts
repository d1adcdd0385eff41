/**
 * Positions in JSON text, for located errors about a state file. JSON.parse says where a syntax
 * error is for most errors but not all ("Unexpected token 'x', ..." gives none), and says nothing
 * about where a value that fails the schema sits; this small scanner answers both.
 *
 * It follows the JSON grammar of RFC 8259 exactly as JSON.parse does, so it finds an error exactly
 * when JSON.parse does (a property test keeps the two in agreement).
 */

/** A 1-based line and column; columns count UTF-16 code units, as editors mostly do for JSON. */
export interface LineColumn {
  line: number;
  column: number;
}

/** The line and column of `offset` in `text`. */
export function lineColumn(text: string, offset: number): LineColumn {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lastBreak = before.lastIndexOf('\n');
  let line = 1;
  for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) line++;
  return { line, column: before.length - lastBreak };
}

/**
 * The offset of the first syntax error in `text`; undefined when it is valid JSON (or nested too
 * deeply to scan, which only a hostile file is).
 */
export function jsonSyntaxErrorOffset(text: string): number | undefined {
  const scanner = new Scanner(text, undefined);
  return scanner.run().error;
}

/**
 * The offset of the value at `path` (keys and array indexes from the root) or, with `at: 'key'`, of
 * its key; undefined when the text does not hold it. Where a key is repeated, JSON.parse keeps the
 * last one, so the last one is found here too.
 */
export function jsonValueOffset(
  text: string,
  path: readonly (string | number)[],
  at: 'value' | 'key' = 'value',
): number | undefined {
  const scanner = new Scanner(text, { path: path.map(String), at });
  return scanner.run().found;
}

class SyntaxStop {
  constructor(readonly offset: number) {}
}

class Scanner {
  private pos = 0;
  private found: number | undefined;

  constructor(
    private readonly text: string,
    private readonly target: { path: string[]; at: 'value' | 'key' } | undefined,
  ) {}

  run(): { error?: number; found?: number } {
    try {
      this.space();
      this.value([]);
      this.space();
      if (this.pos < this.text.length) this.fail();
      return { found: this.found };
    } catch (stop) {
      if (stop instanceof SyntaxStop) return { error: stop.offset, found: this.found };
      // Nesting deeper than the stack allows: the position is unknown, which callers accept.
      return {};
    }
  }

  private fail(at = this.pos): never {
    throw new SyntaxStop(at);
  }

  private onPath(path: readonly string[]): boolean {
    const target = this.target?.path;
    return target !== undefined && target.length === path.length && target.every((s, i) => s === path[i]);
  }

  private space(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.pos++;
    }
  }

  private value(path: string[]): void {
    if (this.target?.at === 'value' && this.onPath(path)) this.found = this.pos;
    const c = this.text[this.pos];
    if (c === '{') this.object(path);
    else if (c === '[') this.array(path);
    else if (c === '"') this.string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) this.number();
    else {
      const word = ['true', 'false', 'null'].find((w) => this.text.startsWith(w, this.pos));
      if (word === undefined) this.fail();
      this.pos += word.length;
    }
  }

  private object(path: string[]): void {
    this.pos++;
    this.space();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') this.fail();
      const keyAt = this.pos;
      const key = this.string();
      const child = [...path, key];
      if (this.target?.at === 'key' && this.onPath(child)) this.found = keyAt;
      this.space();
      if (this.text[this.pos] !== ':') this.fail();
      this.pos++;
      this.space();
      this.value(child);
      this.space();
      const next = this.text[this.pos];
      this.pos++;
      if (next === '}') return;
      if (next !== ',') this.fail(this.pos - 1);
      this.space();
    }
  }

  private array(path: string[]): void {
    this.pos++;
    this.space();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (let index = 0; ; index++) {
      this.value([...path, String(index)]);
      this.space();
      const next = this.text[this.pos];
      this.pos++;
      if (next === ']') return;
      if (next !== ',') this.fail(this.pos - 1);
      this.space();
    }
  }

  /** Scans a string starting at its quote; returns its value (needed for keys). */
  private string(): string {
    const start = this.pos;
    this.pos++;
    let simple = true;
    for (;;) {
      if (this.pos >= this.text.length) this.fail();
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x22) break;
      if (c < 0x20) this.fail();
      if (c === 0x5c) {
        simple = false;
        const e = this.text[this.pos + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) this.fail(this.pos);
          this.pos += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) this.fail(this.pos);
        this.pos += 2;
        continue;
      }
      this.pos++;
    }
    this.pos++;
    const raw = this.text.slice(start, this.pos);
    return simple ? raw.slice(1, -1) : (JSON.parse(raw) as string);
  }

  private number(): void {
    const match = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    match.lastIndex = this.pos;
    const m = match.exec(this.text);
    if (!m) this.fail();
    this.pos += m[0].length;
  }
}
