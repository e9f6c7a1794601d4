/**
 * Multi-threaded wasm in Node (opt-in). The stock backend disables threads in Node for two
 * reasons, both worked around here for the duration of the backend's initialisation only:
 *
 * 1. `WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired to false in Node: we set the flag.
 * 2. The pthread worker script and the main script reach Emscripten as `Blob`s turned into
 *    `blob:nodedata:` URLs, which Node's `Worker` rejects (`ERR_WORKER_PATH`). We record the
 *    text of each `Blob` built meanwhile and make `URL.createObjectURL` write it to a temp file
 *    instead; the worker is pointed at the package's own threaded main script file (the
 *    bundle's inlined copy refers to bundler variables that do not exist in a worker).
 *
 * XNNPACK also caps its pool at (logical cores / 2), i.e. 1 on a 2-core machine, by asking
 * `os.cpus()`; we report `threads` logical cores per requested thread while it initialises.
 * Finally the pthread workers are `unref`ed so that they do not keep Node alive.
 */
import * as tf from '@tensorflow/tfjs-core';

type Restore = () => void;

/**
 * Patches the globals above for the threaded build with `xnnpackThreads` threads in XNNPACK's own
 * pool (1: none, the build only for its shared memory); returns the function that undoes every patch.
 */
export async function prepareThreadedWasm(xnnpackThreads: number, wasmDist: string): Promise<Restore> {
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const os = (await import('node:os')).default;
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'gen-optim-wasm-'));
  const mainScript = join(wasmDist, '..', 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');

  const g = globalThis as unknown as { Blob: typeof Blob };
  const RealBlob = g.Blob;
  const realCreate = URL.createObjectURL;
  const realCpus = os.cpus;
  const texts = new WeakMap<object, string>();
  g.Blob = class extends RealBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      if (parts?.every((p) => typeof p === 'string')) texts.set(this, parts.join(''));
    }
  };
  let files = 0;
  URL.createObjectURL = (blob: Blob) => {
    const text = texts.get(blob);
    if (text === undefined) return realCreate(blob);
    const file = join(dir, `blob-${files++}.js`);
    // The worker would turn its main-script Blob into another blob: URL; load the file instead.
    writeFileSync(
      file,
      text.replace(
        'var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)',
        `importScripts(${JSON.stringify(mainScript)})`,
      ),
    );
    return file;
  };
  os.cpus = () => Array.from({ length: 2 * xnnpackThreads }, () => realCpus()[0]);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setThreadsCount(xnnpackThreads);
  return () => {
    g.Blob = RealBlob;
    URL.createObjectURL = realCreate;
    os.cpus = realCpus;
  };
}

/** Lets Node exit while the (idle) pthread workers exist. */
export function unrefWasmWorkers(): void {
  const pt = (
    tf.backend() as unknown as {
      wasm?: { PThread?: { unusedWorkers: Array<{ unref?(): void }>; runningWorkers: Array<{ unref?(): void }> } };
    }
  ).wasm?.PThread;
  if (pt === undefined) return;
  for (const w of [...pt.unusedWorkers, ...pt.runningWorkers]) w.unref?.();
}
