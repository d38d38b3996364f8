/** What one script may use. Every limit has a default; the server maps its SANDBOX_* keys onto these. */
export interface SandboxLimits {
  /** Wall time one invocation may run before it is stopped, ms. */
  timeoutMs: number;
  /** Heap of one isolate (one per script), MB. */
  memoryMb: number;
  /** Largest script body, bytes of UTF-8. */
  maxScriptBytes: number;
  /** Largest result of one invocation, characters of JSON. */
  maxResultChars: number;
  /** Largest arguments of one invocation (and of one batch call), characters of JSON. */
  maxArgsChars: number;
  /** Consecutive failed invocations before a script is suspended. */
  maxErrors: number;
  /** How long a suspended script stays suspended, ms. */
  suspendMs: number;
  /** console.log lines kept per call. */
  maxConsoleLines: number;
  /** Isolates kept alive at once; the least recently used idle one is released beyond this (it is rebuilt on demand). */
  maxLiveIsolates: number;
  /** Throwaway isolates (test runs, checks) at once; more wait their turn, so test requests cannot exhaust host memory. */
  maxConcurrentTests: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  timeoutMs: 500,
  memoryMb: 64,
  maxScriptBytes: 64 * 1024,
  maxResultChars: 300_000,
  maxArgsChars: 10_000_000,
  maxErrors: 3,
  suspendMs: 60_000,
  maxConsoleLines: 100,
  maxLiveIsolates: 200,
  maxConcurrentTests: 4,
};
