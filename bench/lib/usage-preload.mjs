// Loaded with `node --import` into every process `npm run bench` measures: when the process exits,
// it writes its peak resident set (getrusage's ru_maxrss) and the bytes it read (rchar in
// /proc/self/io: files and sockets alike) to the file named by BENCH_USAGE_FILE.
import { readFileSync, writeFileSync } from 'node:fs';

const target = process.env.BENCH_USAGE_FILE;
if (target) {
  process.on('exit', () => {
    let readBytes = null;
    try {
      readBytes = Number(/^rchar:\s+(\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))?.[1]);
    } catch {
      // Not Linux: the figure is left out.
    }
    writeFileSync(target, JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024, readBytes }));
  });
}
