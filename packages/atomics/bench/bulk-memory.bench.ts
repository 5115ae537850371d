/**
 * The heap's bulk memory (`heap.fill`, `heap.copy`: WebAssembly's
 * memory.fill and memory.copy over the heap's shared memory) against what
 * JavaScript offers on a SharedArrayBuffer: `Uint8Array.prototype.fill` and
 * `copyWithin` (the baseline) and a loop of aligned 8-byte stores. Each
 * operation covers a random length of 16–512 bytes (an allocator's calloc,
 * realloc and debug fills) at a random 16-byte-aligned address of a
 * 256 KiB window (cache-resident: this measures the operation, not the
 * memory); lengths and addresses are drawn once, before anything is timed,
 * from a fixed seed. After timing, each case checks that its last
 * operations left exactly the expected bytes; any mismatch throws.
 */

import { Rng, timeLoop, type BenchSample, type BenchSuite } from '@ft/harness';
import { regionAlloc, SharedHeap } from '../src/index.js';

const WINDOW = 256 << 10;
const STEPS = 1 << 12;
const STEP_MASK = STEPS - 1;
const MIN_LENGTH = 16;
const MAX_LENGTH = 512;

const heap = SharedHeap.create({ size: 8 << 20 });
const window = regionAlloc(heap, 2 * WINDOW);
const lengths = new Uint16Array(STEPS);
const targets = new Uint32Array(STEPS);
const sources = new Uint32Array(STEPS);
{
  const rng = new Rng(0x2545f491);
  for (let k = 0; k < STEPS; k++) {
    lengths[k] = MIN_LENGTH + rng.nextInt(MAX_LENGTH - MIN_LENGTH + 1);
    targets[k] = window + 16 * rng.nextInt((WINDOW - MAX_LENGTH) / 16);
    sources[k] = window + WINDOW + 16 * rng.nextInt((WINDOW - MAX_LENGTH) / 16);
  }
}

/** Eight 0xA5 bytes as a double (finite, not NaN: stores its bytes unchanged). */
const FILL_DOUBLE = new Float64Array(new Uint8Array(8).fill(0xa5).buffer)[0];
const FILL_BYTE = 0xa5;

/** Checks that step k's target holds `byte` (fills) or its source's bytes (copies). */
function check(k: number, byte: number | null, what: string): void {
  const u8 = heap.u8;
  const to = targets[k];
  for (let i = 0; i < lengths[k]; i++) {
    const want = byte ?? u8[sources[k] + i];
    if (u8[to + i] !== want) throw new Error(`${what}: byte ${i} of ${lengths[k]} is 0x${u8[to + i].toString(16)}, want 0x${want.toString(16)}`);
  }
}

function fillCase(what: string, fill: (n: number) => void): (o: { quick: boolean }) => BenchSample {
  return ({ quick }) => {
    const sample = timeLoop(fill, { quick });
    heap.u8.fill(0, window, window + WINDOW);
    fill(1); // step 0 again, on a cleared window
    check(0, FILL_BYTE, what);
    return sample;
  };
}

function copyCase(what: string, copy: (n: number) => void): (o: { quick: boolean }) => BenchSample {
  return ({ quick }) => {
    const sample = timeLoop(copy, { quick });
    for (let i = 0; i < WINDOW; i++) heap.u8[window + WINDOW + i] = (i * 7 + 3) & 0xff;
    copy(1);
    check(0, null, what);
    return sample;
  };
}

export const suites: BenchSuite[] = [
  {
    name: 'atomics/bulk-fill',
    description: `memset of random lengths ${MIN_LENGTH}–${MAX_LENGTH} B at random 16-byte-aligned addresses of a ${WINDOW >> 10} KiB window`,
    target: 'heap.fill faster than Uint8Array.prototype.fill and than a loop of 8-byte stores',
    cases: [
      {
        name: 'u8.fill (baseline)',
        baseline: true,
        run: fillCase('u8.fill', (n) => {
          const u8 = heap.u8;
          for (let i = 0; i < n; i++) {
            const k = i & STEP_MASK;
            u8.fill(FILL_BYTE, targets[k], targets[k] + lengths[k]);
          }
        }),
      },
      {
        name: '8-byte store loop',
        run: fillCase('8-byte store loop', (n) => {
          const f64 = heap.f64;
          const u8 = heap.u8;
          for (let i = 0; i < n; i++) {
            const k = i & STEP_MASK;
            const to = targets[k];
            const end = to + lengths[k];
            let j = to >>> 3;
            for (const e = end >>> 3; j < e; j++) f64[j] = FILL_DOUBLE;
            for (let b = j << 3; b < end; b++) u8[b] = FILL_BYTE;
          }
        }),
      },
      {
        name: 'heap.fill',
        run: fillCase('heap.fill', (n) => {
          for (let i = 0; i < n; i++) {
            const k = i & STEP_MASK;
            heap.fill(targets[k], FILL_BYTE, lengths[k]);
          }
        }),
      },
    ],
  },
  {
    name: 'atomics/bulk-copy',
    description: `memmove of random lengths ${MIN_LENGTH}–${MAX_LENGTH} B between random 16-byte-aligned addresses of two ${WINDOW >> 10} KiB windows`,
    target: 'heap.copy faster than Uint8Array.prototype.copyWithin',
    cases: [
      {
        name: 'u8.copyWithin (baseline)',
        baseline: true,
        run: copyCase('u8.copyWithin', (n) => {
          const u8 = heap.u8;
          for (let i = 0; i < n; i++) {
            const k = i & STEP_MASK;
            u8.copyWithin(targets[k], sources[k], sources[k] + lengths[k]);
          }
        }),
      },
      {
        name: 'heap.copy',
        run: copyCase('heap.copy', (n) => {
          for (let i = 0; i < n; i++) {
            const k = i & STEP_MASK;
            heap.copy(targets[k], sources[k], lengths[k]);
          }
        }),
      },
    ],
  },
];
