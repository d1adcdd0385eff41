import { setFlagsFromString } from 'node:v8';

/**
 * Asks V8 to favour a small heap over a little speed, for commands whose garbage grows with the
 * stack (apply and destroy of thousands of resources). What such a run keeps alive is small (tens
 * of MB for 5,000 files); without this, V8 lets the heap grow to several times that before it
 * collects, and the process peaks at over 250 MB. Measured: 5,000 files peak at about 140 MB with
 * it, in the same wall time. Process-wide and idempotent; call it before the work starts.
 */
export function preferSmallHeap(): void {
  setFlagsFromString('--optimize-for-size');
}
