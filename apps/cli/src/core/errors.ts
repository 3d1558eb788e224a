/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, error: 1, usage: 2, notFound: 3, forbidden: 4 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the command reports as one line on stderr, then exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.error,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** A non-2xx answer of the hub, carrying its error shape `{error, code, requestId, details?}`. */
export class HubApiError extends CliError {
  constructor(
    readonly status: number,
    message: string,
    code: string | undefined,
    readonly body: Record<string, unknown>,
    readonly headers: Headers,
  ) {
    super(message, exitCodeFor(status), code);
  }

  /** The `X-Error-Code` header (`GatedRepo`, `RepoNotFound`...), when the hub set one. */
  get hfCode(): string | null {
    return this.headers.get('x-error-code');
  }
}

export function exitCodeFor(status: number): ExitCode {
  if (status === 404) return EXIT.notFound;
  if (status === 401 || status === 403) return EXIT.forbidden;
  return EXIT.error;
}

export const usageError = (message: string) => new CliError(message, EXIT.usage, 'usage');
