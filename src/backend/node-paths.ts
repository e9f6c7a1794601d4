/**
 * Locating the wasm binaries in Node, without `import.meta` (this module is also compiled to
 * CommonJS, where `import.meta` is a syntax error) and without static Node-only imports (the
 * browser build must not pull in `node:module`).
 */

/** Paths to resolve packages from: this file (CJS), the file on the call stack (ESM), the entry script. */
function resolutionBases(): string[] {
  const bases: string[] = [];
  if (typeof __filename === 'string') bases.push(__filename);
  // In ESM the stack still names this module's own file, as a file: URL or a path.
  const frame = /(file:\/\/\/?[^\s)]+?|\/[^\s)]+?):\d+:\d+/.exec(new Error().stack ?? '');
  if (frame) bases.push(frame[1]);
  const entry = (globalThis as { process?: { argv?: string[] } }).process?.argv?.[1];
  if (typeof entry === 'string') bases.push(entry);
  return bases;
}

/**
 * The `dist/` folder of `@tensorflow/tfjs-backend-wasm` (with a trailing slash), resolved the
 * way Node would resolve the package from this module; `undefined` if it cannot be found, in
 * which case the backend's own default (its script folder) still works in Node.
 */
export async function wasmDistFolder(): Promise<string | undefined> {
  const { createRequire } = await import('node:module');
  const { dirname, join } = await import('node:path');
  for (const base of resolutionBases()) {
    try {
      const pkg = createRequire(base).resolve('@tensorflow/tfjs-backend-wasm/package.json');
      return join(dirname(pkg), 'dist') + '/';
    } catch {
      // try the next base
    }
  }
  return undefined;
}
