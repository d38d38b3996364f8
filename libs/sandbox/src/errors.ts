/** Thrown by compile(): the script cannot be used. `line`/`column` (1-based, in the user's script) when known. */
export class ScriptCompileError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(line != null ? `${message} (line ${line}, column ${column})` : message);
    this.name = 'ScriptCompileError';
  }
}

/** Thrown when a caller runs a key it never compiled. */
export class ScriptNotCompiledError extends Error {
  constructor(key: string) {
    super(`No script is compiled under '${key}'`);
    this.name = 'ScriptNotCompiledError';
  }
}

/** Why one invocation failed, for callers that want to tell cases apart. */
export type RunErrorCode =
  'SCRIPT_ERROR' | 'TIMEOUT' | 'MEMORY' | 'RESULT_TOO_LARGE' | 'ARGS_TOO_LARGE' | 'SUSPENDED' | 'SANDBOX';
